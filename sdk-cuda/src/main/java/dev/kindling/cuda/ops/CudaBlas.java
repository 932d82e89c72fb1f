package dev.kindling.cuda.ops;

import dev.kindling.core.backend.BlasArguments;
import dev.kindling.core.backend.BlasOps;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.memory.DeviceBlock;
import dev.kindling.cuda.runtime.CudaDevice;
import dev.kindling.cuda.runtime.KernelArgs;

import static dev.kindling.cuda.runtime.CudaStorage.address;

/** {@link BlasOps} on the GPU: GEMM through cuBLAS, the level-1 and row/column helpers as kernels. */
final class CudaBlas implements BlasOps {

    private static final int BLOCK = 256;


    @Override
    public void fill(Tensor x, float value) {
        CudaDevice d = CudaDevice.of(x);
        try (CudaDevice.Scope s = d.enter()) {
            if (Float.floatToRawIntBits(value) == 0) {
                d.zero(address(x), x.numel() * Float.BYTES);
                return;
            }
            d.launch(d.kernel("blas", "fill_f32"), d.grid(x.numel(), BLOCK), BLOCK, KernelArgs.of().ptr(address(x)).l(x.numel()).f(value));
        }
    }

    @Override
    public void scale(Tensor x, float alpha) {
        if (alpha == 0f) {
            fill(x, 0f);
            return;
        }
        CudaDevice d = CudaDevice.of(x);
        try (CudaDevice.Scope s = d.enter()) {
            d.launch(d.kernel("blas", "scale_f32"), d.grid(x.numel(), BLOCK), BLOCK, KernelArgs.of().ptr(address(x)).l(x.numel()).f(alpha));
        }
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        BlasArguments.requireSameCount("axpy", x, y);
        CudaDevice d = CudaDevice.of(y);
        try (CudaDevice.Scope s = d.enter()) {
            d.launch(d.kernel("blas", "axpy_f32"), d.grid(x.numel(), BLOCK), BLOCK,
                    KernelArgs.of().f(alpha).ptr(address(x)).ptr(address(y)).l(x.numel()));
        }
    }

    @Override
    public double dot(Tensor x, Tensor y) {
        BlasArguments.requireSameCount("dot", x, y);
        CudaDevice d = CudaDevice.of(x);
        try (CudaDevice.Scope s = d.enter()) {
            int grid = Math.min(d.grid(x.numel(), BLOCK), 1024);
            try (DeviceBlock partial = d.allocate((long) grid * Double.BYTES)) {
                d.launch(d.kernel("blas", "dot_partial_f32"), grid, BLOCK,
                        KernelArgs.of().ptr(address(x)).ptr(address(y)).l(x.numel()).ptr(partial.address()));
                double sum = 0;
                for (double p : d.downloadDoubles(partial.address(), grid)) {
                    sum += p;
                }
                return sum;
            }
        }
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, long aOffset, int lda,
                     Tensor b, long bOffset, int ldb, float beta, Tensor c, long cOffset, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: negative size m=" + m + " n=" + n + " k=" + k);
        }
        BlasArguments.checkMatrix("A", a, aOffset, transA ? k : m, transA ? m : k, lda);
        BlasArguments.checkMatrix("B", b, bOffset, transB ? n : k, transB ? k : n, ldb);
        BlasArguments.checkMatrix("C", c, cOffset, m, n, ldc);
        CudaDevice d = CudaDevice.of(c);
        try (CudaDevice.Scope s = d.enter()) {
            d.gemmRowMajor(transA, transB, m, n, k, alpha, address(a) + aOffset * Float.BYTES, lda, address(b) + bOffset * Float.BYTES,
                    ldb, beta, address(c) + cOffset * Float.BYTES, ldc);
        }
    }

    @Override
    public void addRowVector(Tensor matrix, Tensor vector) {
        int cols = (int) vector.numel();
        if (cols == 0 || matrix.numel() % cols != 0) {
            throw new IllegalArgumentException("addRowVector: matrix of " + matrix.numel() + " elements is not a whole number of rows of "
                    + cols);
        }
        CudaDevice d = CudaDevice.of(matrix);
        try (CudaDevice.Scope s = d.enter()) {
            d.launch(d.kernel("blas", "add_row_vector_f32"), d.grid(matrix.numel(), BLOCK), BLOCK,
                    KernelArgs.of().ptr(address(matrix)).ptr(address(vector)).l(matrix.numel() / cols).i(cols));
        }
    }

    @Override
    public void sumRows(float alpha, Tensor matrix, Tensor out) {
        int cols = (int) out.numel();
        if (cols == 0 || matrix.numel() % cols != 0) {
            throw new IllegalArgumentException("sumRows: matrix of " + matrix.numel() + " elements is not a whole number of rows of "
                    + cols);
        }
        CudaDevice d = CudaDevice.of(out);
        try (CudaDevice.Scope s = d.enter()) {
            sumRows(d, alpha, address(matrix), matrix.numel() / cols, cols, address(out));
        }
    }

    /** out[j] += alpha · Σ_r m[r, j] on raw addresses (used by the HSM kernels too). */
    static void sumRows(CudaDevice d, float alpha, long matrix, long rows, int cols, long out) {
        if (rows == 0 || cols == 0) {
            return;
        }
        d.launch(d.kernel("blas", "sum_rows_f32"), d.grid(cols, 32), 256,
                KernelArgs.of().f(alpha).ptr(matrix).l(rows).i(cols).ptr(out));
    }
}
