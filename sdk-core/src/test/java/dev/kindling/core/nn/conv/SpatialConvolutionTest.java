package dev.kindling.core.nn.conv;

import dev.kindling.core.testing.GradCheck;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpatialConvolutionTest {

    /** Cross-correlation with zero padding, in double precision. */
    static double[] naive(Tensor x, Tensor w, Tensor bias, int dH, int dW, int padH, int padW) {
        int b = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
        int o = w.size(0), kh = w.size(2), kw = w.size(3);
        int oh = (h + 2 * padH - kh) / dH + 1, ow = (wd + 2 * padW - kw) / dW + 1;
        double[] y = new double[b * o * oh * ow];
        for (int n = 0; n < b; n++) {
            for (int q = 0; q < o; q++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double s = bias.get(q);
                        for (int p = 0; p < c; p++) {
                            for (int u = 0; u < kh; u++) {
                                for (int v = 0; v < kw; v++) {
                                    int iy = i * dH - padH + u, ix = j * dW - padW + v;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                        s += (double) x.get(n, p, iy, ix) * w.get(q, p, u, v);
                                    }
                                }
                            }
                        }
                        y[((n * o + q) * oh + i) * ow + j] = s;
                    }
                }
            }
        }
        return y;
    }

    private static void assertMatches(double[] expected, Tensor actual, double tol) {
        float[] a = actual.toArray();
        assertEquals(expected.length, a.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], tol * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    @Test
    void directForwardMatchesNaiveLoopWithStrideAndPadding() {
        Random rng = new Random(1);
        int[][] cases = {{2, 3, 4, 7, 9, 3, 2, 1, 1, 0, 0}, {1, 2, 5, 8, 6, 3, 3, 2, 2, 1, 1}, {3, 1, 2, 5, 5, 1, 4, 1, 3, 0, 2}};
        for (int[] s : cases) {
            SpatialConvolution conv = new SpatialConvolution(s[1], s[2], s[6], s[5], s[8], s[7], s[10], s[9], rng);
            Tensor x = Tensor.randn(rng, 1f, s[0], s[1], s[3], s[4]);
            double[] ref = naive(x, conv.weight().value(), conv.bias().value(), s[7], s[8], s[9], s[10]);
            assertMatches(ref, conv.forward(x), 1e-4);
        }
    }

    @Test
    void fftEqualsDirectOnOddNonSquarePaddedShapes() {
        Random rng = new Random(2);
        // batch, nIn, nOut, H, W, kH, kW, padH, padW
        int[][] cases = {
                {2, 3, 4, 7, 9, 3, 2, 0, 0}, {1, 2, 5, 13, 11, 5, 3, 2, 1}, {3, 4, 2, 17, 6, 4, 5, 1, 3},
                {2, 5, 3, 9, 9, 9, 9, 4, 4}, {1, 1, 1, 1, 1, 1, 1, 0, 0}, {2, 3, 6, 31, 33, 7, 1, 3, 0},
        };
        double worst = 0;
        for (int[] s : cases) {
            long seed = rng.nextLong();
            SpatialConvolution direct = new SpatialConvolution(s[1], s[2], s[6], s[5], 1, 1, s[8], s[7], new Random(seed));
            SpatialConvolutionFFT fft = new SpatialConvolutionFFT(s[1], s[2], s[6], s[5], s[8], s[7], new Random(seed));
            Tensor x = Tensor.randn(rng, 1f, s[0], s[1], s[3], s[4]);
            Tensor yd = direct.forward(x), yf = fft.forward(x);
            worst = Math.max(worst, relErr(yd, yf));
            Tensor g = Tensor.randn(rng, 1f, yd.shape());
            Tensor gd = direct.backward(x, g), gf = fft.backward(x, g);
            worst = Math.max(worst, relErr(gd, gf));
            worst = Math.max(worst, relErr(direct.weight().grad(), fft.weight().grad()));
            worst = Math.max(worst, relErr(direct.bias().grad(), fft.bias().grad()));
        }
        assertTrue(worst <= 1e-4, "FFT vs direct relative error " + worst);
    }

    /** ‖a − b‖ / ‖a‖ in double. */
    static double relErr(Tensor a, Tensor b) {
        float[] x = a.toArray(), y = b.toArray();
        assertEquals(x.length, y.length);
        double num = 0, den = 0;
        for (int i = 0; i < x.length; i++) {
            num += (double) (x[i] - y[i]) * (x[i] - y[i]);
            den += (double) x[i] * x[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-30));
    }

    @Test
    void directBackwardMatchesFiniteDifferences() {
        Random rng = new Random(3);
        GradCheck.check(new SpatialConvolution(2, 3, 3, 2, 2, 1, 1, 0, rng), Tensor.randn(rng, 1f, 2, 2, 5, 6), 4);
        GradCheck.check(new SpatialConvolution(1, 2, 2, 2, 1, 1, 1, 1, rng), Tensor.randn(rng, 1f, 1, 4, 3), 5);
    }

    @Test
    void fftBackwardMatchesFiniteDifferences() {
        Random rng = new Random(4);
        GradCheck.check(new SpatialConvolutionFFT(2, 3, 3, 2, 1, 0, rng), Tensor.randn(rng, 1f, 2, 2, 5, 6), 6);
        GradCheck.check(new SpatialConvolutionFFT(3, 2, 2, 3, 0, 2, rng), Tensor.randn(rng, 1f, 3, 7, 4), 7);
    }

    @Test
    void gradientsAccumulate() {
        Random rng = new Random(5);
        SpatialConvolutionFFT conv = new SpatialConvolutionFFT(2, 2, 3, 3, 1, 1, rng);
        Tensor x = Tensor.randn(rng, 1f, 2, 2, 6, 6);
        Tensor g = Tensor.randn(rng, 1f, 2, 2, 6, 6);
        conv.backward(x, g);
        float[] once = conv.weight().grad().toArray();
        conv.backward(x, g);
        float[] twice = conv.weight().grad().toArray();
        for (int i = 0; i < once.length; i++) {
            assertEquals(2 * once[i], twice[i], 1e-4 * Math.max(1, Math.abs(twice[i])));
        }
    }

    @Test
    void rejectsBadShapes() {
        SpatialConvolution conv = new SpatialConvolution(3, 2, 3, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(1, 2, 5, 5)));
        assertTrue(e.getMessage().contains("3 input planes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(3, 2, 2)));
        assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(5, 5)));
        assertThrows(IllegalArgumentException.class, () -> new SpatialConvolution(3, 2, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> new SpatialConvolutionFFT(3, 2, 3, 3, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> conv.backward(Tensor.zeros(1, 3, 5, 5), Tensor.zeros(1, 2, 4, 4)));
    }
}
