package dev.kindling.core.backend;

import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

/**
 * Shape checks for {@link ConvOps} calls, for backends whose kernels would otherwise read or write out
 * of bounds on a bad shape (the GPU's do). Each check says which tensor was wrong, what it was and what
 * was expected. The modules validate their own inputs first, so these only fire on direct SPI calls.
 */
public final class ConvArguments {

    private ConvArguments() {
    }

    /** Temporal: input [B, T, in], weight [out, kW, in], output [B, (T - kW) / dW + 1, out], bias null or [out]. */
    public static void checkTemporalForward(Tensor input, Tensor weight, Tensor bias, int dW, Tensor output) {
        Shapes.requireRank("temporal convolution input", input, 3);
        int steps = temporalSteps(input.size(1), weight, dW);
        requireSize("temporal convolution input frame", input.size(2), weight.size(2));
        Shapes.requireShape("temporal convolution output", output, input.size(0), steps, weight.size(0));
        requireBias("temporal convolution bias", bias, weight.size(0));
    }

    /** Temporal: gradOutput [B, T', out], weight [out, kW, in], gradInput [B, T, in] with T' = (T - kW) / dW + 1. */
    public static void checkTemporalBackwardInput(Tensor gradOutput, Tensor weight, int dW, Tensor gradInput) {
        Shapes.requireRank("temporal convolution gradInput", gradInput, 3);
        int steps = temporalSteps(gradInput.size(1), weight, dW);
        requireSize("temporal convolution gradInput frame", gradInput.size(2), weight.size(2));
        Shapes.requireShape("temporal convolution gradOutput", gradOutput, gradInput.size(0), steps, weight.size(0));
    }

    /** Temporal: input [B, T, in], gradOutput [B, T', out], gradWeight [out, kW, in], gradBias null or [out]. */
    public static void checkTemporalAccGrad(Tensor input, Tensor gradOutput, int dW, Tensor gradWeight, Tensor gradBias) {
        Shapes.requireRank("temporal convolution input", input, 3);
        int steps = temporalSteps(input.size(1), gradWeight, dW);
        requireSize("temporal convolution input frame", input.size(2), gradWeight.size(2));
        Shapes.requireShape("temporal convolution gradOutput", gradOutput, input.size(0), steps, gradWeight.size(0));
        requireBias("temporal convolution gradBias", gradBias, gradWeight.size(0));
    }

    /** Spatial: input [B, C, H, W], weight [O, C, kH, kW], output [B, O, H', W'], bias null or [O]. */
    public static void checkSpatialForward(Tensor input, Tensor weight, Tensor bias, ConvGeometry g, Tensor output) {
        Shapes.requireRank("spatial convolution input", input, 4);
        requireWeight("spatial convolution weight", weight, input.size(1), g);
        Shapes.requireShape("spatial convolution output", output, input.size(0), weight.size(0), g.outHeight(input.size(2)),
                g.outWidth(input.size(3)));
        requireBias("spatial convolution bias", bias, weight.size(0));
    }

    /** Spatial: gradOutput [B, O, H', W'], weight [O, C, kH, kW], gradInput [B, C, H, W]. */
    public static void checkSpatialBackwardInput(Tensor gradOutput, Tensor weight, ConvGeometry g, Tensor gradInput) {
        Shapes.requireRank("spatial convolution gradInput", gradInput, 4);
        requireWeight("spatial convolution weight", weight, gradInput.size(1), g);
        Shapes.requireShape("spatial convolution gradOutput", gradOutput, gradInput.size(0), weight.size(0), g.outHeight(gradInput.size(2)),
                g.outWidth(gradInput.size(3)));
    }

    /** Spatial: input [B, C, H, W], gradOutput [B, O, H', W'], gradWeight [O, C, kH, kW], gradBias null or [O]. */
    public static void checkSpatialAccGrad(Tensor input, Tensor gradOutput, ConvGeometry g, Tensor gradWeight, Tensor gradBias) {
        Shapes.requireRank("spatial convolution input", input, 4);
        requireWeight("spatial convolution gradWeight", gradWeight, input.size(1), g);
        Shapes.requireShape("spatial convolution gradOutput", gradOutput, input.size(0), gradWeight.size(0), g.outHeight(input.size(2)),
                g.outWidth(input.size(3)));
        requireBias("spatial convolution gradBias", gradBias, gradWeight.size(0));
    }

    private static int temporalSteps(int frames, Tensor weight, int dW) {
        Shapes.requireRank("temporal convolution weight [out, kW, in]", weight, 3);
        int kW = weight.size(1);
        if (dW <= 0) {
            throw new IllegalArgumentException("temporal convolution stride dW must be > 0, got " + dW);
        }
        if (frames < kW) {
            throw new IllegalArgumentException("temporal convolution with kW=" + kW + " needs at least " + kW + " frames, got " + frames);
        }
        return (frames - kW) / dW + 1;
    }

    private static void requireWeight(String what, Tensor w, int planes, ConvGeometry g) {
        Shapes.requireRank(what + " [O, C, kH, kW]", w, 4);
        Shapes.requireShape(what, w, w.size(0), planes, g.kH(), g.kW());
    }

    private static void requireSize(String what, int actual, int expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(what + " size must be " + expected + " (from the weight), got " + actual);
        }
    }

    private static void requireBias(String what, Tensor bias, int outputs) {
        if (bias != null && (bias.numel() != outputs)) {
            throw new IllegalArgumentException(what + " must have " + outputs + " elements (one per output), got shape "
                    + Shapes.str(bias.shape()));
        }
    }
}
