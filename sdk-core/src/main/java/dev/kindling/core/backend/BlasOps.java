package dev.kindling.core.backend;

import dev.kindling.core.tensor.Tensor;

/**
 * Dense linear algebra on float32 tensors. Matrices are row-major; offsets are in elements relative to
 * each tensor's own first element.
 */
public interface BlasOps {

    void fill(Tensor x, float value);

    /** x *= alpha */
    void scale(Tensor x, float alpha);

    /** y += alpha * x (same number of elements). */
    void axpy(float alpha, Tensor x, Tensor y);

    /** Sum of x[i] * y[i], accumulated in double precision. */
    double dot(Tensor x, Tensor y);

    /**
     * C = alpha * op(A) * op(B) + beta * C with op(A) m×k, op(B) k×n, C m×n, BLAS-style leading
     * dimensions. When beta is 0, C is overwritten (NaN in C does not propagate).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, Tensor a, long aOffset, int lda,
              Tensor b, long bOffset, int ldb,
              float beta, Tensor c, long cOffset, int ldc);

    /** The 2-d convenience form of {@link #gemm}: shapes are read off the tensors. */
    default void matmul(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        int m = transA ? a.size(1) : a.size(0);
        int k = transA ? a.size(0) : a.size(1);
        int kb = transB ? b.size(1) : b.size(0);
        int n = transB ? b.size(0) : b.size(1);
        if (k != kb || c.size(0) != m || c.size(1) != n) {
            throw new IllegalArgumentException("matmul: op(A) is " + m + "x" + k + ", op(B) is " + kb + "x" + n
                    + ", C is " + c.size(0) + "x" + c.size(1));
        }
        gemm(transA, transB, m, n, k, alpha, a, 0, a.size(1), b, 0, b.size(1), beta, c, 0, c.size(1));
    }

    /** matrix[r, :] += vector for every row r (matrix rows × cols, vector cols). */
    void addRowVector(Tensor matrix, Tensor vector);

    /** out[j] += alpha * sum over rows r of matrix[r, j]. */
    void sumRows(float alpha, Tensor matrix, Tensor out);
}
