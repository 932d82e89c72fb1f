package dev.kindling.core.nn.conv;

import dev.kindling.core.testing.GradCheck;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CrossMapNormalizationTest {

    @Test
    void forwardMatchesFormula() {
        Random rng = new Random(1);
        for (int[] s : new int[][]{{2, 7, 3, 4, 5}, {1, 3, 2, 2, 4}, {3, 10, 1, 5, 1}, {1, 6, 4, 4, 6}}) {
            int b = s[0], c = s[1], h = s[2], w = s[3], size = s[4];
            float scale = 0.7f, power = 0.75f;
            Tensor x = Tensor.randn(rng, 2f, b, c, h, w);
            Tensor y = new CrossMapNormalization(size, scale, power).forward(x);
            for (int n = 0; n < b; n++) {
                for (int f = 0; f < c; f++) {
                    for (int i = 0; i < h; i++) {
                        for (int j = 0; j < w; j++) {
                            double sum = 0;
                            for (int g = f - size / 2; g < f - size / 2 + size; g++) {
                                if (g >= 0 && g < c) {
                                    sum += Math.pow(x.get(n, g, i, j), 2);
                                }
                            }
                            double e = x.get(n, f, i, j) / Math.pow(1 + scale / size * sum, power);
                            assertEquals(e, y.get(n, f, i, j), 1e-5 * Math.max(1, Math.abs(e)));
                        }
                    }
                }
            }
        }
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Random rng = new Random(2);
        GradCheck.check(new CrossMapNormalization(5, 0.9f, 0.75f), Tensor.randn(rng, 1.5f, 2, 7, 2, 3), 3);
        GradCheck.check(new CrossMapNormalization(4, 2f, 1.3f), Tensor.randn(rng, 1f, 6, 3, 2), 4);
        GradCheck.check(new CrossMapNormalization(1, 0.5f, 0.5f), Tensor.randn(rng, 1f, 1, 3, 2, 2), 5);
    }

    @Test
    void rejectsBadConfigAndInput() {
        assertThrows(IllegalArgumentException.class, () -> new CrossMapNormalization(0, 1f, 0.75f));
        assertThrows(IllegalArgumentException.class, () -> new CrossMapNormalization(3, -1f, 0.75f));
        assertThrows(IllegalArgumentException.class, () -> new CrossMapNormalization(3, 1f, Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> new CrossMapNormalization(3, 1f, 0.75f).forward(Tensor.zeros(3, 4)));
        assertThrows(IllegalArgumentException.class,
                () -> new CrossMapNormalization(3, 1f, 0.75f).backward(Tensor.zeros(1, 3, 2, 2), Tensor.zeros(1, 3, 2, 1)));
    }
}
