package dev.kindling.core.backend;

import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

/** Argument checks every backend's {@link QuantizeOps} applies before touching memory. */
public final class QuantizeArguments {

    private QuantizeArguments() {
    }

    /** The gradient (and residual, when given) must be 2-d, alike, and hold columns [col0, col0 + cols). */
    public static void checkQuantize(Tensor gradient, Tensor residual, int col0, int cols) {
        checkBlock("gradient", gradient, col0, cols);
        if (residual != null) {
            Shapes.requireSameShape("1-bit quantize gradient and residual", gradient, residual);
        }
    }

    /** {@code t} must be 2-d and hold columns [col0, col0 + cols). */
    public static void checkBlock(String what, Tensor t, int col0, int cols) {
        Shapes.requireRank("1-bit quantization " + what, t, 2);
        if (col0 < 0 || cols < 0 || col0 + cols > t.size(1)) {
            throw new IllegalArgumentException("1-bit quantization block columns [" + col0 + ", " + (col0 + cols) + ") out of range for "
                    + what + " of shape " + Shapes.str(t.shape()));
        }
    }
}
