package dev.kindling.core.nn.conv;

import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.tensor.Tensor;

import java.util.Random;

/**
 * 2-d convolution computed directly (on the CPU: im2col + GEMM), any stride and padding. Argument order
 * follows Torch: {@code (nIn, nOut, kW, kH, dW, dH, padW, padH)}.
 */
public final class SpatialConvolution extends AbstractSpatialConvolution {

    public SpatialConvolution(int nIn, int nOut, int kW, int kH) {
        this(nIn, nOut, kW, kH, 1, 1, 0, 0, new Random());
    }

    public SpatialConvolution(int nIn, int nOut, int kW, int kH, int dW, int dH, int padW, int padH) {
        this(nIn, nOut, kW, kH, dW, dH, padW, padH, new Random());
    }

    public SpatialConvolution(int nIn, int nOut, int kW, int kH, int dW, int dH, int padW, int padH, Random rng) {
        super(nIn, nOut, new ConvGeometry(kH, kW, dH, dW, padH, padW), rng);
    }

    @Override
    protected void computeForward(Tensor input, Tensor output) {
        input.backend().conv().spatialForward(input, weight.value(), bias.value(), geometry, output);
    }

    @Override
    protected void computeBackward(Tensor input, Tensor gradOutput, Tensor gradInput, Tensor gradWeight, Tensor gradBias) {
        input.backend().conv().spatialBackwardInput(gradOutput, weight.value(), geometry, gradInput);
        input.backend().conv().spatialAccGradParameters(input, gradOutput, geometry, gradWeight, gradBias);
    }
}
