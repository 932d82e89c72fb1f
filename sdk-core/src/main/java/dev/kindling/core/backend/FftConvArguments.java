package dev.kindling.core.backend;

import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

/**
 * Shape checks of the FFT convolution ops, for backends whose kernels would read or write out of bounds
 * on a wrong shape (the CPU backend trusts its modules; a GPU backend must not). Every message says what
 * was expected.
 */
public final class FftConvArguments {

    private FftConvArguments() {
    }

    /** input [B, C, H, W], weight [O, C, kH, kW] of geometry {@code g} (stride 1), bias [O] or null, output [B, O, H', W']. */
    public static void checkForward(Tensor input, Tensor weight, Tensor bias, ConvGeometry g, Tensor output) {
        checkInputAndWeight(input, weight, g);
        int o = weight.size(0);
        if (bias != null) {
            Shapes.requireShape("FFT convolution bias", bias, o);
            Shapes.requireSameDevice("FFT convolution bias and weight", bias, weight);
        }
        Shapes.requireShape("FFT convolution output", output, outputShape(input, weight, g));
        Shapes.requireSameDevice("FFT convolution output and input", output, input);
    }

    /** As {@link #checkForward} for the backward pass; gradInput, gradWeight and gradBias may each be null. */
    public static void checkBackward(Tensor input, Tensor weight, Tensor gradOutput, ConvGeometry g,
                                     Tensor gradInput, Tensor gradWeight, Tensor gradBias) {
        checkInputAndWeight(input, weight, g);
        Shapes.requireShape("FFT convolution gradOutput", gradOutput, outputShape(input, weight, g));
        Shapes.requireSameDevice("FFT convolution gradOutput and input", gradOutput, input);
        if (gradInput != null) {
            Shapes.requireShape("FFT convolution gradInput", gradInput, input.shape());
            Shapes.requireSameDevice("FFT convolution gradInput and input", gradInput, input);
        }
        if (gradWeight != null) {
            Shapes.requireShape("FFT convolution gradWeight", gradWeight, weight.shape());
            Shapes.requireSameDevice("FFT convolution gradWeight and weight", gradWeight, weight);
        }
        if (gradBias != null) {
            Shapes.requireShape("FFT convolution gradBias", gradBias, weight.size(0));
            Shapes.requireSameDevice("FFT convolution gradBias and weight", gradBias, weight);
        }
    }

    private static void checkInputAndWeight(Tensor input, Tensor weight, ConvGeometry g) {
        if (!g.unitStride()) {
            throw new IllegalArgumentException("FFT convolution needs stride 1, got stride " + g.dH() + "x" + g.dW()
                    + "; use the direct convolution for strided layers");
        }
        Shapes.requireRank("FFT convolution input [B, C, H, W]", input, 4);
        Shapes.requireRank("FFT convolution weight [O, C, kH, kW]", weight, 4);
        if (weight.size(1) != input.size(1) || weight.size(2) != g.kH() || weight.size(3) != g.kW()) {
            throw new IllegalArgumentException("FFT convolution weight must have shape [O, " + input.size(1) + ", " + g.kH() + ", " + g.kW()
                    + "] for input " + Shapes.str(input.shape()) + " and kernel " + g.kH() + "x" + g.kW() + ", got "
                    + Shapes.str(weight.shape()));
        }
        Shapes.requireSameDevice("FFT convolution input and weight", input, weight);
        // Fails with a message when the kernel does not fit the padded input.
        g.outHeight(input.size(2));
        g.outWidth(input.size(3));
    }

    private static int[] outputShape(Tensor input, Tensor weight, ConvGeometry g) {
        return new int[]{input.size(0), weight.size(0), g.outHeight(input.size(2)), g.outWidth(input.size(3))};
    }
}
