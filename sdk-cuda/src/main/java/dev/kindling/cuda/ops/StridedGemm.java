package dev.kindling.cuda.ops;

import dev.kindling.cuda.bindings.Cublas;
import dev.kindling.cuda.bindings.CublasBatched;
import dev.kindling.cuda.runtime.CudaDevice;

/**
 * Row-major strided-batched SGEMM on a device's stream: C_i = alpha op(A_i) op(B_i) + beta C_i for
 * i < batch, where X_i starts {@code strideX} floats after X_{i-1} (stride 0: the same matrix for every
 * i). Leading dimensions are row strides in floats and may exceed the row length, which is how the
 * convolutions address a band of rows or every dW-th frame without copying.
 */
final class StridedGemm {

    private StridedGemm() {
    }

    /** Call inside {@code d.enter()}; addresses are byte addresses. */
    static void run(CudaDevice d, boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long strideA, long b,
                    int ldb, long strideB, float beta, long c, int ldc, long strideC, int batch) {
        if (m == 0 || n == 0 || batch == 0) {
            return;
        }
        // Same rule as CudaDevice.gemmRowMajor: row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T,
        // so cuBLAS gets the operands swapped (and m, n swapped) with their ops unchanged.
        CublasBatched.of(d.cublasLibrary()).sgemm(d.cublasHandle(), transB ? Cublas.OP_T : Cublas.OP_N, transA ? Cublas.OP_T : Cublas.OP_N,
                n, m, k, alpha, b, ldb, strideB, a, lda, strideA, beta, c, ldc, strideC, batch);
        if (CudaDevice.SYNC_LAUNCHES) {
            d.sync();
        }
    }
}
