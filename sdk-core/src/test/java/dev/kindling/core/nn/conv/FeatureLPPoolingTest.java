package dev.kindling.core.nn.conv;

import dev.kindling.core.testing.GradCheck;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureLPPoolingTest {

    private static final float[] POWERS = {0.5f, 1f, 2f, 3.5f, 8f, Float.POSITIVE_INFINITY};

    /** (Σ |x|^p)^(1/p) or max |x| in double over the feature window. */
    static double reference(double[] window, double p) {
        if (Double.isInfinite(p)) {
            double m = 0;
            for (double v : window) {
                m = Math.max(m, Math.abs(v));
            }
            return m;
        }
        double s = 0;
        for (double v : window) {
            s += Math.pow(Math.abs(v), p);
        }
        return Math.pow(s, 1 / p);
    }

    @Test
    void forwardMatchesReferenceForAllWidthsStridesPowersAndRanks() {
        Random rng = new Random(1);
        for (int width = 2; width <= 16; width += 1) {
            for (int stride = 1; stride <= 4; stride++) {
                float p = POWERS[(width + stride) % POWERS.length];
                int rank = 1 + (width + 3 * stride) % 4;
                boolean batch = rank == 4 || (rank >= 2 && width % 2 == 0);
                int features = width + stride * (1 + rng.nextInt(3)) + rng.nextInt(stride);
                int[] shape = new int[rank];
                int fd = batch ? 1 : 0;
                for (int d = 0; d < rank; d++) {
                    shape[d] = d == fd ? features : 1 + rng.nextInt(3);
                }
                Tensor x = Tensor.randn(rng, 1f, shape);
                FeatureLPPooling pool = new FeatureLPPooling(width, stride, p, batch);
                Tensor y = pool.forward(x);
                int fout = (features - width) / stride + 1;
                int[] expectedShape = shape.clone();
                expectedShape[fd] = fout;
                assertArrayEquals(expectedShape, y.shape());
                int outer = batch ? shape[0] : 1;
                int inner = (int) (x.numel() / ((long) outer * features));
                float[] xs = x.toArray(), ys = y.toArray();
                for (int b = 0; b < outer; b++) {
                    for (int o = 0; o < fout; o++) {
                        for (int r = 0; r < inner; r++) {
                            double[] window = new double[width];
                            for (int j = 0; j < width; j++) {
                                window[j] = xs[(b * features + o * stride + j) * inner + r];
                            }
                            double e = reference(window, p);
                            assertEquals(e, ys[(b * fout + o) * inner + r], 1e-4 * Math.max(1, e),
                                    "width " + width + " stride " + stride + " p " + p);
                        }
                    }
                }
            }
        }
    }

    @Test
    void largePowersStayFinite() {
        Tensor x = Tensor.of(new float[]{30f, 20f, 10f, 5f}, 4);
        Tensor y = new FeatureLPPooling(4, 1, 64f, false).forward(x);
        assertTrue(y.allFinite());
        assertEquals(30f, y.get(0), 0.5f);
    }

    /** Inputs with |x| >= 0.5, random sign, magnitudes at least 0.05 apart: away from the kinks at 0 and at ties. */
    private static Tensor awayFromKinks(Random rng, int... shape) {
        Tensor t = TemporalPoolingTest.distinct(rng, shape);
        float[] v = t.toArray();
        float min = Float.MAX_VALUE;
        for (float a : v) {
            min = Math.min(min, a);
        }
        for (int i = 0; i < v.length; i++) {
            float mag = 0.5f + (v[i] - min);
            v[i] = rng.nextBoolean() ? mag : -mag;
        }
        return Tensor.of(v, shape);
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Random rng = new Random(2);
        long seed = 10;
        for (float p : POWERS) {
            GradCheck.check(new FeatureLPPooling(3, 2, p, true), awayFromKinks(rng, 2, 9, 3), seed++);
            GradCheck.check(new FeatureLPPooling(2, 1, p, false), awayFromKinks(rng, 6), seed++);
            GradCheck.check(new FeatureLPPooling(4, 3, p, true), awayFromKinks(rng, 2, 10, 2, 2), seed++);
            GradCheck.check(new FeatureLPPooling(16, 4, p, false), awayFromKinks(rng, 24, 2, 1), seed++);
        }
    }

    @Test
    void rejectsBadConfigAndInput() {
        assertThrows(IllegalArgumentException.class, () -> new FeatureLPPooling(1, 1, 2f, true));
        assertThrows(IllegalArgumentException.class, () -> new FeatureLPPooling(17, 1, 2f, true));
        assertThrows(IllegalArgumentException.class, () -> new FeatureLPPooling(2, 5, 2f, true));
        assertThrows(IllegalArgumentException.class, () -> new FeatureLPPooling(2, 1, 0f, true));
        assertThrows(IllegalArgumentException.class, () -> new FeatureLPPooling(2, 1, Float.NaN, true));
        FeatureLPPooling batch = new FeatureLPPooling(4, 1, 2f, true);
        assertThrows(IllegalArgumentException.class, () -> batch.forward(Tensor.zeros(5)));
        assertThrows(IllegalArgumentException.class, () -> batch.forward(Tensor.zeros(2, 3, 1, 1, 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> batch.forward(Tensor.zeros(2, 3)));
        assertTrue(e.getMessage().contains("at least 4 features"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FeatureLPPooling(2, 1, 2f, false).forward(Tensor.zeros(2, 2, 2, 2)));
    }
}
