package dev.kindling.core.nn.conv;

import dev.kindling.core.testing.GradCheck;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TemporalPoolingTest {

    /** Values that differ by at least 0.05, so finite differences of ±1e-2 never swap a max or a top-k choice. */
    static Tensor distinct(Random rng, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, rng);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (order.get(i) - n / 2f) * 0.05f;
        }
        return Tensor.of(v, shape);
    }

    @Test
    void maxPoolingMatchesLoop() {
        Random rng = new Random(1);
        for (int[] s : new int[][]{{2, 9, 3, 3, 2}, {1, 7, 4, 2, 2}, {3, 10, 2, 4, 1}, {2, 6, 5, 2, 3}}) {
            TemporalMaxPooling pool = new TemporalMaxPooling(s[3], s[4]);
            Tensor x = Tensor.randn(rng, 1f, s[0], s[1], s[2]);
            Tensor y = pool.forward(x);
            int steps = (s[1] - s[3]) / s[4] + 1;
            assertArrayEquals(new int[]{s[0], steps, s[2]}, y.shape());
            for (int b = 0; b < s[0]; b++) {
                for (int t = 0; t < steps; t++) {
                    for (int f = 0; f < s[2]; f++) {
                        float m = Float.NEGATIVE_INFINITY;
                        for (int j = 0; j < s[3]; j++) {
                            m = Math.max(m, x.get(b, t * s[4] + j, f));
                        }
                        assertEquals(m, y.get(b, t, f));
                    }
                }
            }
        }
    }

    @Test
    void maxPoolingBackwardMatchesFiniteDifferences() {
        Random rng = new Random(2);
        GradCheck.check(new TemporalMaxPooling(3, 2), distinct(rng, 2, 9, 3), 3);
        GradCheck.check(new TemporalMaxPooling(2, 1), distinct(rng, 7, 4), 4);
    }

    /** Reference k-max: sort the (value, time) pairs by value descending then time ascending, keep k, restore time order. */
    static float[][] sortReference(float[] column, int k) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < column.length; i++) {
            idx.add(i);
        }
        idx.sort(Comparator.<Integer, Float>comparing(i -> column[i]).reversed().thenComparing(i -> i));
        List<Integer> kept = new ArrayList<>(idx.subList(0, k));
        kept.sort(null);
        float[][] out = new float[2][k];
        for (int j = 0; j < k; j++) {
            out[0][j] = column[kept.get(j)];
            out[1][j] = kept.get(j);
        }
        return out;
    }

    @Test
    void kMaxMatchesSortBasedReferenceIncludingTies() {
        Random rng = new Random(5);
        for (int trial = 0; trial < 30; trial++) {
            int batch = 1 + rng.nextInt(3), t = 1 + rng.nextInt(25), f = 1 + rng.nextInt(6);
            int k = 1 + rng.nextInt(t);
            float[] data = new float[batch * t * f];
            for (int i = 0; i < data.length; i++) {
                // few distinct values so ties are common
                data[i] = trial % 2 == 0 ? rng.nextInt(4) : (float) rng.nextGaussian();
            }
            Tensor x = Tensor.of(data, batch, t, f);
            TemporalKMaxPooling pool = new TemporalKMaxPooling(k);
            Tensor y = pool.forward(x);
            Tensor g = Tensor.randn(rng, 1f, batch, k, f);
            Tensor gi = pool.backward(x, g);
            for (int b = 0; b < batch; b++) {
                for (int c = 0; c < f; c++) {
                    float[] col = new float[t];
                    for (int i = 0; i < t; i++) {
                        col[i] = x.get(b, i, c);
                    }
                    float[][] ref = sortReference(col, k);
                    float[] expectedGrad = new float[t];
                    for (int j = 0; j < k; j++) {
                        assertEquals(ref[0][j], y.get(b, j, c), "trial " + trial);
                        expectedGrad[(int) ref[1][j]] = g.get(b, j, c);
                    }
                    for (int i = 0; i < t; i++) {
                        assertEquals(expectedGrad[i], gi.get(b, i, c), "gradient, trial " + trial);
                    }
                }
            }
        }
    }

    @Test
    void kDynamicKeepsAFractionOfTheSequence() {
        TemporalKMaxPooling pool = new TemporalKMaxPooling(2, 0.3);
        assertEquals(2, pool.effectiveK(5));
        assertEquals(3, pool.effectiveK(10));
        assertEquals(4, pool.effectiveK(11));
        Tensor y = pool.forward(Tensor.randn(new Random(1), 1f, 11, 3));
        assertArrayEquals(new int[]{4, 3}, y.shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TemporalKMaxPooling(4).forward(Tensor.zeros(3, 2)));
        assertTrue(e.getMessage().contains("only 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TemporalKMaxPooling(0));
        assertThrows(IllegalArgumentException.class, () -> new TemporalKMaxPooling(2, 1.5));
    }

    @Test
    void kMaxBackwardMatchesFiniteDifferences() {
        Random rng = new Random(6);
        GradCheck.check(new TemporalKMaxPooling(3), distinct(rng, 2, 8, 3), 7);
        GradCheck.check(new TemporalKMaxPooling(2, 0.5), distinct(rng, 9, 2), 8);
    }

    @Test
    void poolingRejectsBadConfig() {
        assertThrows(IllegalArgumentException.class, () -> new TemporalMaxPooling(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new TemporalMaxPooling(2).forward(Tensor.zeros(1, 2, 3, 4)));
        assertThrows(IllegalArgumentException.class, () -> new TemporalMaxPooling(4).forward(Tensor.zeros(3, 2)));
    }
}
