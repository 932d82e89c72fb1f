package dev.kindling.core.nn.conv;

import dev.kindling.core.testing.GradCheck;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TemporalConvolutionTest {

    @Test
    void forwardMatchesDoubleLoop() {
        Random rng = new Random(1);
        // batch, T, in, out, kW, dW
        int[][] cases = {{1, 5, 3, 2, 5, 1}, {3, 11, 4, 6, 3, 1}, {2, 20, 7, 5, 4, 3}, {2, 9, 2, 3, 2, 5}, {4, 40, 32, 48, 5, 2}};
        for (int[] s : cases) {
            TemporalConvolution conv = new TemporalConvolution(s[2], s[3], s[4], s[5], rng);
            Tensor x = Tensor.randn(rng, 1f, s[0], s[1], s[2]);
            Tensor y = conv.forward(x);
            int steps = (s[1] - s[4]) / s[5] + 1;
            assertArrayEquals(new int[]{s[0], steps, s[3]}, y.shape());
            Tensor w = conv.weight().value();
            for (int b = 0; b < s[0]; b++) {
                for (int t = 0; t < steps; t++) {
                    for (int o = 0; o < s[3]; o++) {
                        double e = conv.bias().value().get(o);
                        for (int j = 0; j < s[4]; j++) {
                            for (int c = 0; c < s[2]; c++) {
                                e += (double) x.get(b, t * s[5] + j, c) * w.get(o, j, c);
                            }
                        }
                        assertEquals(e, y.get(b, t, o), 1e-4 * Math.max(1, Math.abs(e)));
                    }
                }
            }
        }
    }

    @Test
    void unbatchedInputGivesTheSameAsBatchOfOne() {
        Random rng = new Random(2);
        TemporalConvolution conv = new TemporalConvolution(3, 4, 2, 1, rng);
        Tensor x = Tensor.randn(rng, 1f, 6, 3);
        assertArrayEquals(conv.forward(x.view(1, 6, 3)).toArray(), conv.forward(x).toArray());
        assertArrayEquals(new int[]{5, 4}, conv.forward(x).shape());
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Random rng = new Random(3);
        GradCheck.check(new TemporalConvolution(3, 4, 3, 1, rng), Tensor.randn(rng, 1f, 2, 7, 3), 4);
        GradCheck.check(new TemporalConvolution(2, 3, 2, 3, rng), Tensor.randn(rng, 1f, 10, 2), 5);
        GradCheck.check(new TemporalConvolution(4, 2, 4, 2, rng), Tensor.randn(rng, 1f, 3, 9, 4), 6);
    }

    @Test
    void gradientsAccumulateRatherThanOverwrite() {
        Random rng = new Random(7);
        TemporalConvolution conv = new TemporalConvolution(3, 2, 2, 1, rng);
        Tensor x = Tensor.randn(rng, 1f, 2, 5, 3);
        Tensor g = Tensor.randn(rng, 1f, 2, 4, 2);
        conv.backward(x, g);
        float[] w1 = conv.weight().grad().toArray(), b1 = conv.bias().grad().toArray();
        conv.backward(x, g);
        float[] w2 = conv.weight().grad().toArray(), b2 = conv.bias().grad().toArray();
        for (int i = 0; i < w1.length; i++) {
            assertEquals(2 * w1[i], w2[i], 1e-5);
        }
        for (int i = 0; i < b1.length; i++) {
            assertEquals(2 * b1[i], b2[i], 1e-5);
        }
    }

    @Test
    void rejectsBadInput() {
        TemporalConvolution conv = new TemporalConvolution(3, 2, 4, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(2, 6, 5)));
        assertTrue(e.getMessage().contains("3 features"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(2, 3, 3)));
        assertTrue(e.getMessage().contains("at least 4 frames"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(3)));
        assertThrows(IllegalArgumentException.class, () -> conv.backward(Tensor.zeros(1, 6, 3), Tensor.zeros(1, 2, 2)));
        assertThrows(IllegalArgumentException.class, () -> new TemporalConvolution(3, 2, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new TemporalConvolution(3, 2, 2, 0));
    }
}
