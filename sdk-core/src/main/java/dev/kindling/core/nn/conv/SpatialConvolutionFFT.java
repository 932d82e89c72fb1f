package dev.kindling.core.nn.conv;

import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.backend.FftConvWorkspace;
import dev.kindling.core.tensor.Tensor;

import java.util.Random;

/**
 * Stride-1 2-d convolution computed in the frequency domain (fbcunn {@code SpatialConvolutionFFT}):
 * output, gradInput and gradWeight are each a per-frequency complex GEMM between FFTs of zero-padded
 * planes, followed by an inverse FFT and a crop. Same results as {@link SpatialConvolution} up to
 * float rounding; cheaper for large kernels, where direct cost grows with kH·kW and FFT cost does not.
 *
 * <p>In training mode the module keeps the spectra of its input and weights from forward in a per-module
 * {@link FftConvWorkspace}, and backward transforms only gradOutput: 6 batched transforms per training
 * step instead of 8. That memory (the input's and weights' spectra, about twice the size of the padded
 * input and weights, in complex numbers) stays with the module until {@link #releaseWorkspace()}. In eval
 * mode forward keeps nothing, so inference may run from many threads at once.
 */
public final class SpatialConvolutionFFT extends AbstractSpatialConvolution {

    public SpatialConvolutionFFT(int nIn, int nOut, int kW, int kH) {
        this(nIn, nOut, kW, kH, 0, 0, new Random());
    }

    public SpatialConvolutionFFT(int nIn, int nOut, int kW, int kH, int padW, int padH) {
        this(nIn, nOut, kW, kH, padW, padH, new Random());
    }

    public SpatialConvolutionFFT(int nIn, int nOut, int kW, int kH, int padW, int padH, Random rng) {
        super(nIn, nOut, new ConvGeometry(kH, kW, 1, 1, padH, padW), rng);
    }

    private final FftWorkspaceHolder workspace = new FftWorkspaceHolder();

    @Override
    protected void computeForward(Tensor input, Tensor output) {
        if (isTraining()) {
            workspace.get(input).forward(input, weight.value(), bias.value(), geometry, output);
        } else {
            input.backend().conv().fftSpatialForward(input, weight.value(), bias.value(), geometry, output);
        }
    }

    @Override
    protected void computeBackward(Tensor input, Tensor gradOutput, Tensor gradInput, Tensor gradWeight, Tensor gradBias) {
        if (isTraining()) {
            workspace.get(input).backward(input, weight.value(), gradOutput, geometry, gradInput, gradWeight, gradBias);
        } else {
            input.backend().conv().fftSpatialBackward(input, weight.value(), gradOutput, geometry, gradInput, gradWeight, gradBias);
        }
    }

    /** Frees the spectra and buffers kept for training steps; the next training step makes them again. */
    public void releaseWorkspace() {
        workspace.release();
    }

    /** The training workspace, or null before the first training step (for tests). */
    FftConvWorkspace workspace() {
        return workspace.current();
    }
}
