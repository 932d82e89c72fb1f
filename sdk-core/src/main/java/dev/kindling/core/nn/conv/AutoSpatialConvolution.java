package dev.kindling.core.nn.conv;

import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.tensor.Tensor;

import java.util.Random;

/**
 * A 2-d convolution that computes each input shape the fastest way: the first call with a new shape
 * times direct (im2col + GEMM) and FFT convolution once, and every later call with that shape uses the
 * faster ({@link ConvAlgorithmTuner}). Strided convolutions are always direct. Results equal those of
 * {@link SpatialConvolution} up to float rounding whichever algorithm runs.
 */
public final class AutoSpatialConvolution extends AbstractSpatialConvolution {

    public AutoSpatialConvolution(int nIn, int nOut, int kW, int kH, int padW, int padH) {
        this(nIn, nOut, kW, kH, 1, 1, padW, padH, new Random());
    }

    public AutoSpatialConvolution(int nIn, int nOut, int kW, int kH, int dW, int dH, int padW, int padH, Random rng) {
        super(nIn, nOut, new ConvGeometry(kH, kW, dH, dW, padH, padW), rng);
    }

    /** The algorithm used for a batched input [B, nIn, H, W], tuning the shape first if needed. */
    public ConvAlgorithm algorithmFor(Tensor input) {
        return choice(asBatch(input)).algorithm();
    }

    /** The tuner's decision (with timings) for a batched input [B, nIn, H, W]. */
    public ConvAlgorithmTuner.Choice choice(Tensor batchedInput) {
        ConvAlgorithmTuner.Shape shape = new ConvAlgorithmTuner.Shape(batchedInput.device().type(), batchedInput.size(0), nIn, nOut,
                batchedInput.size(2), batchedInput.size(3), geometry);
        return ConvAlgorithmTuner.choose(shape, batchedInput, weight.value(), bias.value());
    }

    /** Training-mode FFT state (see {@link SpatialConvolutionFFT}); unused while the direct algorithm runs. */
    private final FftWorkspaceHolder workspace = new FftWorkspaceHolder();

    @Override
    protected void computeForward(Tensor input, Tensor output) {
        boolean fft = choice(input).algorithm() == ConvAlgorithm.FFT;
        if (fft && isTraining()) {
            workspace.get(input).forward(input, weight.value(), bias.value(), geometry, output);
        } else if (fft) {
            input.backend().conv().fftSpatialForward(input, weight.value(), bias.value(), geometry, output);
        } else {
            input.backend().conv().spatialForward(input, weight.value(), bias.value(), geometry, output);
        }
    }

    @Override
    protected void computeBackward(Tensor input, Tensor gradOutput, Tensor gradInput, Tensor gradWeight, Tensor gradBias) {
        boolean fft = choice(input).algorithm() == ConvAlgorithm.FFT;
        if (fft && isTraining()) {
            workspace.get(input).backward(input, weight.value(), gradOutput, geometry, gradInput, gradWeight, gradBias);
        } else if (fft) {
            input.backend().conv().fftSpatialBackward(input, weight.value(), gradOutput, geometry, gradInput, gradWeight, gradBias);
        } else {
            input.backend().conv().spatialBackwardInput(gradOutput, weight.value(), geometry, gradInput);
            input.backend().conv().spatialAccGradParameters(input, gradOutput, geometry, gradWeight, gradBias);
        }
    }

    /** Frees the FFT spectra and buffers kept for training steps (nothing when the direct algorithm runs). */
    public void releaseWorkspace() {
        workspace.release();
    }
}
