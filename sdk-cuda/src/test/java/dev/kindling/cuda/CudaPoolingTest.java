package dev.kindling.cuda;

import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

class CudaPoolingTest extends CudaTestSupport {

    @Test
    void temporalMaxPoolingWithOverlappingWindowsAndNaN() {
        Random rng = new Random(51);
        int b = 3, t = 41, f = 37;
        for (int[] kd : new int[][]{{3, 1}, {4, 3}, {5, 5}}) {
            int kW = kd[0], dW = kd[1], to = (t - kW) / dW + 1;
            Tensor x = rand(rng, b, t, f);
            x.setFlat(100, Float.NaN);
            Tensor y = poisonedCpu(b, to, f), gy = poisoned(b, to, f);
            cpu().pooling().temporalMaxForward(x, kW, dW, y);
            cuda().pooling().temporalMaxForward(gpu(x), kW, dW, gy);
            assertClose("temporalMax kW=" + kW + " dW=" + dW, y, gy, 0, 0);
            Tensor go = rand(rng, b, to, f), gi = poisonedCpu(b, t, f), ggi = poisoned(b, t, f);
            cpu().pooling().temporalMaxBackward(x, go, kW, dW, gi);
            cuda().pooling().temporalMaxBackward(gpu(x), gpu(go), kW, dW, ggi);
            assertClose("temporalMax backward kW=" + kW + " dW=" + dW, gi, ggi, 1e-6, 1e-6);
        }
    }

    @Test
    void kMaxPoolingKeepsTimeOrderAndBreaksTiesEarliest() {
        Random rng = new Random(52);
        int b = 2, t = 53, f = 19, k = 7;
        Tensor x = rand(rng, b, t, f);
        for (int i = 0; i < x.numel(); i += 5) {
            x.setFlat(i, (float) Math.round(x.getFlat(i) * 2)); // ties, including -0.0 vs 0.0 and equal maxima
        }
        x.setFlat(3, -0f);
        Tensor y = poisonedCpu(b, k, f), gy = poisoned(b, k, f);
        cpu().pooling().kMaxForward(x, k, y);
        cuda().pooling().kMaxForward(gpu(x), k, gy);
        assertClose("kMax", y, gy, 0, 0);
        Tensor go = rand(rng, b, k, f), gi = poisonedCpu(b, t, f), ggi = poisoned(b, t, f);
        cpu().pooling().kMaxBackward(x, go, k, gi);
        cuda().pooling().kMaxBackward(gpu(x), gpu(go), k, ggi);
        assertClose("kMax backward", gi, ggi, 0, 0);
    }

    @Test
    void featureLpPoolingForEveryPowerKind() {
        Random rng = new Random(53);
        int b = 3, fin = 23, r = 29;
        for (float p : new float[]{1f, 2f, 3.5f, Float.POSITIVE_INFINITY}) {
            for (int[] ws : new int[][]{{2, 1}, {5, 2}, {16, 4}}) {
                int width = ws[0], stride = ws[1], fout = (fin - width) / stride + 1;
                Tensor x = rand(rng, b, fin, r);
                Tensor y = poisonedCpu(b, fout, r), gy = poisoned(b, fout, r);
                cpu().pooling().featureLpForward(x, width, stride, p, y);
                cuda().pooling().featureLpForward(gpu(x), width, stride, p, gy);
                String what = "featureLp p=" + p + " width=" + width + " stride=" + stride;
                assertClose(what, y, gy, 1e-5, 1e-6);
                Tensor go = rand(rng, b, fout, r), gi = poisonedCpu(b, fin, r), ggi = poisoned(b, fin, r);
                cpu().pooling().featureLpBackward(x, y, go, width, stride, p, gi);
                cuda().pooling().featureLpBackward(gpu(x), gpu(y), gpu(go), width, stride, p, ggi);
                assertClose(what + " backward", gi, ggi, 1e-5, 1e-5);
            }
        }
    }

    @Test
    void crossMapNormalizationForwardAndBackward() {
        Random rng = new Random(54);
        int b = 2, c = 17, r = 31;
        for (int size : new int[]{1, 4, 5}) {
            Tensor x = rand(rng, b, c, r);
            Tensor y = poisonedCpu(b, c, r), gy = poisoned(b, c, r);
            cpu().pooling().crossMapNormForward(x, size, 0.7f, 0.75f, y);
            cuda().pooling().crossMapNormForward(gpu(x), size, 0.7f, 0.75f, gy);
            assertClose("crossMapNorm size=" + size, y, gy, 1e-5, 1e-6);
            Tensor go = rand(rng, b, c, r), gi = poisonedCpu(b, c, r), ggi = poisoned(b, c, r);
            cpu().pooling().crossMapNormBackward(x, go, size, 0.7f, 0.75f, gi);
            cuda().pooling().crossMapNormBackward(gpu(x), gpu(go), size, 0.7f, 0.75f, ggi);
            assertClose("crossMapNorm backward size=" + size, gi, ggi, 1e-5, 1e-5);
        }
    }
}
