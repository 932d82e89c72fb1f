package dev.kindling.cuda;

import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CudaBlasTest extends CudaTestSupport {

    @Test
    void levelOneOpsMatchTheCpu() {
        Random rng = new Random(11);
        Tensor x = rand(rng, 10_007), y = rand(rng, 10_007);
        Tensor gx = gpu(x), gy = gpu(y);
        cpu().blas().axpy(0.75f, x, y);
        cuda().blas().axpy(0.75f, gx, gy);
        assertClose("axpy", y, gy);
        cpu().blas().scale(y, -1.5f);
        cuda().blas().scale(gy, -1.5f);
        assertClose("scale", y, gy);
        // Float sums in another order: bound the difference by float rounding of the sum of |x_i y_i|.
        double magnitude = 0;
        for (int i = 0; i < 10_007; i++) {
            magnitude += Math.abs((double) x.getFlat(i) * y.getFlat(i));
        }
        assertEquals(cpu().blas().dot(x, y), cuda().blas().dot(gx, gy), 1e-6 * magnitude);
        Tensor f = poisoned(333);
        cuda().blas().fill(f, 2.5f);
        assertClose("fill", Tensor.of(filled(333, 2.5f), 333), f);
        cuda().blas().scale(f, 0f);
        assertClose("scale by 0 clears NaN-free", Tensor.zeros(333), f);
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void gemmMatchesTheCpuForEveryTransposeWithOffsetsAndLeadingDimensions() {
        Random rng = new Random(12);
        int m = 37, n = 29, k = 45;
        for (boolean ta : new boolean[]{false, true}) {
            for (boolean tb : new boolean[]{false, true}) {
                int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 5;
                int aRows = ta ? k : m, bRows = tb ? n : k;
                Tensor a = rand(rng, aRows * lda + 7), b = rand(rng, bRows * ldb + 5);
                Tensor c = rand(rng, m * ldc + 4);
                Tensor gc = gpu(c);
                cpu().blas().gemm(ta, tb, m, n, k, 0.5f, a, 7, lda, b, 5, ldb, 0.25f, c, 4, ldc);
                cuda().blas().gemm(ta, tb, m, n, k, 0.5f, gpu(a), 7, lda, gpu(b), 5, ldb, 0.25f, gc, 4, ldc);
                assertClose("gemm ta=" + ta + " tb=" + tb, c, gc, 1e-4, 1e-4);
                // beta = 0 overwrites C: NaN in C must not propagate.
                Tensor nan = poisoned(m * ldc + 4);
                Tensor cpuNan = poisonedCpu(m * ldc + 4);
                cpu().blas().gemm(ta, tb, m, n, k, 1f, a, 7, lda, b, 5, ldb, 0f, cpuNan, 4, ldc);
                cuda().blas().gemm(ta, tb, m, n, k, 1f, gpu(a), 7, lda, gpu(b), 5, ldb, 0f, nan, 4, ldc);
                float[] want = cpuNan.toArray(), got = nan.toArray();
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        int at = 4 + i * ldc + j;
                        assertEquals(want[at], got[at], 1e-4 + 1e-4 * Math.abs(want[at]), "gemm beta=0 at " + i + "," + j);
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> cuda().blas().gemm(false, false, 4, 4, 4, 1f, Tensor.zeros(GPU, 15), 0, 4, Tensor.zeros(GPU, 16), 0, 4, 0f,
                        Tensor.zeros(GPU, 16), 0, 4));
    }

    @Test
    void rowVectorAndColumnSumsMatchTheCpu() {
        Random rng = new Random(13);
        Tensor m = rand(rng, 1031, 67), v = rand(rng, 67), out = rand(rng, 67);
        Tensor gm = gpu(m), gout = gpu(out);
        cpu().blas().addRowVector(m, v);
        cuda().blas().addRowVector(gm, gpu(v));
        assertClose("addRowVector", m, gm);
        cpu().blas().sumRows(0.5f, m, out);
        cuda().blas().sumRows(0.5f, gm, gout);
        assertClose("sumRows", out, gout, 1e-4, 1e-4);
        Tensor a = rand(rng, 3, 5), b = rand(rng, 5, 4), c = poisonedCpu(3, 4), gc = poisoned(3, 4);
        cpu().blas().matmul(false, false, 1f, a, b, 0f, c);
        cuda().blas().matmul(false, false, 1f, gpu(a), gpu(b), 0f, gc);
        assertClose("matmul", c, gc, 1e-5, 1e-5);
    }
}
