package dev.kindling.core.backend;

import dev.kindling.core.tensor.Tensor;

/**
 * One module's FFT convolution across a training step, made by {@link ConvOps#newFftWorkspace()}.
 *
 * <p>A module sees all three passes, which a library call does not: {@link #forward} keeps the spectra of
 * the input and the weights it computed, and {@link #backward} reuses them when it is handed the same
 * input and weight tensors, transforming only gradOutput (once, for both gradInput and gradWeight). A
 * training step is then 6 batched transforms (forward: input, weights, inverse; backward: gradOutput and
 * two inverses) instead of the 8 that two independent calls need. Plans and buffers are cached per
 * shape.
 *
 * <p>Kept spectra are valid while the tensors they came from are not written: the Torch contract that
 * backward follows the forward of the same input with the same weights. They are matched by tensor
 * identity (storage, offset, shape), not by content, and dropped after the backward that used them, so
 * a second backward recomputes what it needs. gradInput therefore uses the weights as they were at
 * forward time.
 *
 * <p>A workspace belongs to one module and serializes the calls made through it; eval-mode (inference)
 * forwards must use the stateless {@link ConvOps#fftSpatialForward} instead, so that concurrent requests
 * share no state. Closing releases the kept spectra and buffers (device memory on a GPU); a closed
 * workspace may be used again and re-creates what it needs.
 */
public interface FftConvWorkspace extends AutoCloseable {

    /** As {@link ConvOps#fftSpatialForward}, keeping the input and weight spectra for the next {@link #backward}. */
    void forward(Tensor input, Tensor weight, Tensor bias, ConvGeometry g, Tensor output);

    /** As {@link ConvOps#fftSpatialBackward}, reusing the spectra kept by {@link #forward} when they match. */
    void backward(Tensor input, Tensor weight, Tensor gradOutput, ConvGeometry g,
                  Tensor gradInput, Tensor gradWeight, Tensor gradBias);

    /**
     * Batched 2-d transforms (forward or inverse, each over all planes of one tensor) this workspace has
     * run: a statistic for tests and profiling; −1 where the backend does not count.
     */
    long transforms();

    @Override
    void close();
}
