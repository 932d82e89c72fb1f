package dev.kindling.core.nn.conv;

import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.tensor.Tensor;

import java.util.Random;

/**
 * Stride-1 2-d convolution computed in the frequency domain (fbcunn {@code SpatialConvolutionFFT}):
 * output, gradInput and gradWeight are each a per-frequency complex GEMM between FFTs of zero-padded
 * planes, followed by an inverse FFT and a crop. Same results as {@link SpatialConvolution} up to
 * float rounding; cheaper for large kernels, where direct cost grows with kH·kW and FFT cost does not.
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

    @Override
    protected void computeForward(Tensor input, Tensor output) {
        input.backend().conv().fftSpatialForward(input, weight.value(), bias.value(), geometry, output);
    }

    @Override
    protected void computeBackward(Tensor input, Tensor gradOutput, Tensor gradInput, Tensor gradWeight, Tensor gradBias) {
        input.backend().conv().fftSpatialBackward(input, weight.value(), gradOutput, geometry, gradInput, gradWeight, gradBias);
    }
}
