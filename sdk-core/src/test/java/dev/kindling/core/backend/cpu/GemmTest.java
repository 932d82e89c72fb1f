package dev.kindling.core.backend.cpu;

import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both kernel sets against a double-precision triple loop, for every transpose combination and odd sizes. */
class GemmTest {

    static Stream<Object[]> cases() {
        int[][] sizes = {{1, 1, 1}, {3, 5, 7}, {4, 33, 9}, {17, 64, 31}, {70, 45, 130}, {5, 1, 300}, {129, 67, 65}};
        Stream.Builder<Object[]> b = Stream.builder();
        for (CpuKernels k : new CpuKernels[]{CpuKernels.preferred(), CpuKernels.scalar()}) {
            for (int[] s : sizes) {
                for (int t = 0; t < 4; t++) {
                    b.add(new Object[]{k, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0});
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} m={1} n={2} k={3} tA={4} tB={5}")
    @MethodSource("cases")
    void matchesReference(CpuKernels kernels, int m, int n, int k, boolean tA, boolean tB) {
        Random rng = new Random(m * 31L + n * 7L + k);
        int lda = (tA ? m : k) + 3, ldb = (tB ? k : n) + 2, ldc = n + 5;
        Tensor a = Tensor.randn(rng, 1f, (tA ? k : m) * lda + 1);
        Tensor b = Tensor.randn(rng, 1f, (tB ? n : k) * ldb + 1);
        Tensor c = Tensor.randn(rng, 1f, m * ldc + 2);
        float alpha = 0.7f, beta = -0.3f;
        float[] c0 = c.toArray();
        new CpuBackend(kernels).blas().gemm(tA, tB, m, n, k, alpha, a, 1, lda, b, 1, ldb, beta, c, 2, ldc);
        float[] got = c.toArray();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = tA ? a.getFlat(1 + (long) p * lda + i) : a.getFlat(1 + (long) i * lda + p);
                    double bv = tB ? b.getFlat(1 + (long) j * ldb + p) : b.getFlat(1 + (long) p * ldb + j);
                    s += av * bv;
                }
                double expected = alpha * s + beta * c0[2 + i * ldc + j];
                assertEquals(expected, got[2 + i * ldc + j], 1e-4 * Math.max(1, Math.abs(expected)) + 1e-5 * k,
                        "C[" + i + "," + j + "]");
            }
        }
        // Padding between rows (beyond n) must be untouched.
        for (int i = 0; i < m; i++) {
            for (int j = n; j < ldc && 2 + i * ldc + j < got.length; j++) {
                assertEquals(c0[2 + i * ldc + j], got[2 + i * ldc + j], "padding C[" + i + "," + j + "] was written");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void betaZeroOverwritesNaN() {
        Tensor a = Tensor.of(new float[]{1, 2}, 1, 2);
        Tensor b = Tensor.of(new float[]{3, 4}, 2, 1);
        Tensor c = Tensor.of(new float[]{Float.NaN}, 1, 1);
        a.backend().blas().matmul(false, false, 1f, a, b, 0f, c);
        assertEquals(11f, c.get(0, 0));
    }

    @org.junit.jupiter.api.Test
    void rejectsOutOfRangeMatrices() {
        Tensor a = Tensor.zeros(2, 3);
        Tensor b = Tensor.zeros(3, 2);
        Tensor c = Tensor.zeros(2, 2);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> a.backend().blas().gemm(false, false, 2, 2, 4, 1f, a, 0, 4, b, 0, 2, 0f, c, 0, 2));
        assertTrue(e.getMessage().contains("A"), e.getMessage());
    }
}
