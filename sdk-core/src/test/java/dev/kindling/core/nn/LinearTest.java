package dev.kindling.core.nn;

import dev.kindling.core.testing.GradCheck;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearTest {

    @Test
    void forwardMatchesDoubleLoop() {
        Random rng = new Random(1);
        for (int[] s : new int[][]{{1, 1, 1}, {7, 13, 5}, {33, 40, 19}, {64, 128, 70}}) {
            int batch = s[0], in = s[1], out = s[2];
            Linear lin = new Linear(in, out, true, rng);
            Tensor x = Tensor.randn(rng, 1f, batch, in);
            Tensor y = lin.forward(x);
            assertEquals(batch, y.size(0));
            for (int b = 0; b < batch; b++) {
                for (int o = 0; o < out; o++) {
                    double e = lin.bias().value().get(o);
                    for (int i = 0; i < in; i++) {
                        e += (double) x.get(b, i) * lin.weight().value().get(o, i);
                    }
                    assertEquals(e, y.get(b, o), 1e-4 * Math.max(1, Math.abs(e)));
                }
            }
        }
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Random rng = new Random(2);
        GradCheck.check(new Linear(9, 5, true, rng), Tensor.randn(rng, 1f, 6, 9), 3);
        GradCheck.check(new Linear(4, 3, false, rng), Tensor.randn(rng, 1f, 4), 4);
    }

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Random rng = new Random(5);
        Linear lin = new Linear(3, 2, true, rng);
        Tensor x = Tensor.randn(rng, 1f, 4, 3);
        Tensor g = Tensor.randn(rng, 1f, 4, 2);
        lin.backward(x, g);
        float[] once = lin.weight().grad().toArray();
        lin.backward(x, g);
        float[] twice = lin.weight().grad().toArray();
        for (int i = 0; i < once.length; i++) {
            assertEquals(2 * once[i], twice[i], 1e-5);
        }
        lin.zeroGradParameters();
        assertEquals(0f, lin.weight().grad().get(0, 0));
    }

    @Test
    void rejectsWrongFeatureCount() {
        Linear lin = new Linear(3, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lin.forward(Tensor.zeros(4, 5)));
        assertTrue(e.getMessage().contains("3 features"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> lin.forward(Tensor.zeros(2, 2, 3)));
        assertThrows(IllegalArgumentException.class, () -> new Linear(0, 2));
    }
}
