package dev.kindling.core.nn;

import dev.kindling.core.testing.GradCheck;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ActivationsTest {

    /** Values kept away from ReLU's kink so central differences do not straddle it. */
    private static Tensor awayFromZero(Random rng, int... shape) {
        Tensor t = Tensor.randn(rng, 1f, shape);
        for (long i = 0; i < t.numel(); i++) {
            float v = t.getFlat(i);
            t.setFlat(i, v + Math.copySign(0.1f, v));
        }
        return t;
    }

    @Test
    void reluForwardAndBackward() {
        Random rng = new Random(1);
        Tensor x = awayFromZero(rng, 7, 11);
        Tensor y = new ReLU().forward(x);
        for (long i = 0; i < x.numel(); i++) {
            assertEquals(Math.max(0f, x.getFlat(i)), y.getFlat(i));
        }
        GradCheck.check(new ReLU(), x, 2);
    }

    @Test
    void tanhForwardAndBackward() {
        Random rng = new Random(3);
        Tensor x = Tensor.randn(rng, 1.5f, 5, 9);
        Tensor y = new Tanh().forward(x);
        for (long i = 0; i < x.numel(); i++) {
            assertEquals(Math.tanh(x.getFlat(i)), y.getFlat(i), 1e-6);
        }
        GradCheck.check(new Tanh(), x, 4, 1e-2, 1e-2);
    }

    @Test
    void logSoftMaxForwardIsStableAndBackwardMatches() {
        Random rng = new Random(5);
        Tensor x = Tensor.randn(rng, 3f, 6, 13);
        x.set(1000f, 0, 0);  // would overflow a naive exp
        Tensor y = new LogSoftMax().forward(x);
        for (int r = 0; r < 6; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 13; c++) {
                max = Math.max(max, x.get(r, c));
            }
            double sum = 0;
            for (int c = 0; c < 13; c++) {
                sum += Math.exp(x.get(r, c) - max);
            }
            for (int c = 0; c < 13; c++) {
                assertEquals(x.get(r, c) - max - Math.log(sum), y.get(r, c), 1e-4);
            }
        }
        GradCheck.check(new LogSoftMax(), Tensor.randn(rng, 1f, 4, 7), 6, 1e-2, 1e-2);
        GradCheck.check(new LogSoftMax(), Tensor.randn(rng, 1f, 5), 7, 1e-2, 1e-2);
        assertThrows(IllegalArgumentException.class, () -> new LogSoftMax().forward(Tensor.zeros(2, 2, 2)));
    }

    @Test
    void backwardRejectsMismatchedGradient() {
        assertThrows(IllegalArgumentException.class, () -> new ReLU().backward(Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
        assertThrows(IllegalArgumentException.class, () -> new Tanh().backward(Tensor.zeros(2, 3), Tensor.zeros(6)));
    }

    @Test
    void sequentialChainsForwardAndBackward() {
        Random rng = new Random(8);
        Sequential<Tensor> mlp = Sequential.of(new Linear(5, 8, true, rng), new Tanh(), new Linear(8, 3, true, rng));
        Tensor x = Tensor.randn(rng, 1f, 4, 5);
        GradCheck.check(mlp, x, 9, 1e-2, 1e-2);
        assertEquals(4, mlp.parameters().size());
    }
}
