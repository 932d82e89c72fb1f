package dev.kindling.core.nn;

import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

/**
 * Reshapes without copying (Torch {@code nn.View}); one dimension may be -1 and is inferred, so
 * {@code new View(-1, 64)} turns [B, 4, 16] into [4B, 16] whatever B is. Backward reshapes the
 * gradient back to the input's shape.
 */
public final class View extends Module<Tensor> {

    private final int[] shape;

    public View(int... shape) {
        int inferred = 0;
        for (int s : shape) {
            if (s == -1) {
                inferred++;
            } else if (s <= 0) {
                throw new IllegalArgumentException("View sizes must be positive or -1, got " + Shapes.str(shape));
            }
        }
        if (inferred > 1 || shape.length == 0) {
            throw new IllegalArgumentException("View needs at least one size and at most one -1, got " + Shapes.str(shape));
        }
        this.shape = shape.clone();
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.view(shape);
    }

    @Override
    public Tensor backward(Tensor input, Tensor gradOutput) {
        Shapes.requireSameShape("View gradOutput vs output", gradOutput, input.view(shape));
        return gradOutput.view(input.shape());
    }

    @Override
    public String toString() {
        return "View" + Shapes.str(shape);
    }
}
