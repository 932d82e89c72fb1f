package dev.kindling.core.backend.cpu;

import dev.kindling.core.backend.BlasArguments;
import dev.kindling.core.backend.BlasOps;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/** {@link BlasOps} on host memory: bounds-checked entry points over the {@link CpuKernels} inner loops. */
final class CpuBlas implements BlasOps {

    /** Below this many multiply-adds a GEMM runs on the calling thread. */
    private static final long PARALLEL_WORK = 1L << 21;
    /** Above this many elements B is not packed for a transposed GEMM. */
    private static final long MAX_PACK = 1L << 26;

    private final CpuKernels kernels;

    CpuBlas(CpuKernels kernels) {
        this.kernels = kernels;
    }

    @Override
    public void fill(Tensor x, float value) {
        MemorySegment s = x.segment();
        if (Float.floatToRawIntBits(value) == 0) {
            s.asSlice(x.offset() * Float.BYTES, x.numel() * Float.BYTES).fill((byte) 0);
            return;
        }
        long end = x.offset() + x.numel();
        for (long i = x.offset(); i < end; i++) {
            s.setAtIndex(JAVA_FLOAT, i, value);
        }
    }

    @Override
    public void scale(Tensor x, float alpha) {
        if (alpha == 0f) {
            fill(x, 0f);
            return;
        }
        MemorySegment s = x.segment();
        long end = x.offset() + x.numel();
        for (long i = x.offset(); i < end; i++) {
            s.setAtIndex(JAVA_FLOAT, i, s.getAtIndex(JAVA_FLOAT, i) * alpha);
        }
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        BlasArguments.requireSameCount("axpy", x, y);
        long n = x.numel();
        MemorySegment xs = x.segment(), ys = y.segment();
        for (long done = 0; done < n; ) {
            int chunk = (int) Math.min(n - done, 1 << 30);
            kernels.axpy(alpha, xs, x.offset() + done, ys, y.offset() + done, chunk);
            done += chunk;
        }
    }

    @Override
    public double dot(Tensor x, Tensor y) {
        BlasArguments.requireSameCount("dot", x, y);
        long n = x.numel();
        double sum = 0;
        MemorySegment xs = x.segment(), ys = y.segment();
        for (long done = 0; done < n; ) {
            int chunk = (int) Math.min(n - done, 4096);
            sum += kernels.dot(xs, x.offset() + done, ys, y.offset() + done, chunk);
            done += chunk;
        }
        return sum;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, Tensor a, long aOffset, int lda,
                     Tensor b, long bOffset, int ldb,
                     float beta, Tensor c, long cOffset, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: negative size m=" + m + " n=" + n + " k=" + k);
        }
        BlasArguments.checkMatrix("A", a, aOffset, transA ? k : m, transA ? m : k, lda);
        BlasArguments.checkMatrix("B", b, bOffset, transB ? n : k, transB ? k : n, ldb);
        BlasArguments.checkMatrix("C", c, cOffset, m, n, ldc);
        MemorySegment cs = c.segment();
        long co = c.offset() + cOffset;
        if (beta != 1f) {
            for (int i = 0; i < m; i++) {
                long row = co + (long) i * ldc;
                for (int j = 0; j < n; j++) {
                    cs.setAtIndex(JAVA_FLOAT, row + j, beta == 0f ? 0f : beta * cs.getAtIndex(JAVA_FLOAT, row + j));
                }
            }
        }
        if (m == 0 || n == 0 || k == 0 || alpha == 0f) {
            return;
        }
        MemorySegment as = a.segment();
        long ao = a.offset() + aOffset;
        MemorySegment bs = b.segment();
        long bo = b.offset() + bOffset;
        if (transB) {
            if (transA) {
                as = packTransposed(as, ao, k, m, lda);
                ao = 0;
                lda = k;
                transA = false;
            }
            if (m >= 16 && (long) n * k <= MAX_PACK) {
                // Transposing B once (k·n copies) pays for itself against m·n·k multiply-adds.
                bs = packTransposed(bs, bo, n, k, ldb);
                bo = 0;
                ldb = n;
            } else {
                runNT(m, n, k, alpha, as, ao, lda, bs, bo, ldb, cs, co, ldc);
                return;
            }
        }
        long rs = transA ? 1 : lda;
        long cst = transA ? lda : 1;
        runNN(m, n, k, alpha, as, ao, rs, cst, bs, bo, ldb, cs, co, ldc);
    }

    private void runNN(int m, int n, int k, float alpha, MemorySegment a, long ao, long rs, long cst,
                       MemorySegment b, long bo, int ldb, MemorySegment c, long co, int ldc) {
        int tasks = taskCount(m, n, k);
        if (tasks <= 1) {
            kernels.gemmNN(0, m, 0, n, k, alpha, a, ao, rs, cst, b, bo, ldb, c, co, ldc);
            return;
        }
        if (m >= n) {
            int step = roundUp(ceilDiv(m, tasks), 4);
            IntStream.range(0, ceilDiv(m, step)).parallel().forEach(t ->
                    kernels.gemmNN(t * step, Math.min(m, (t + 1) * step), 0, n, k, alpha, a, ao, rs, cst, b, bo, ldb, c, co, ldc));
        } else {
            int step = roundUp(ceilDiv(n, tasks), 32);
            IntStream.range(0, ceilDiv(n, step)).parallel().forEach(t ->
                    kernels.gemmNN(0, m, t * step, Math.min(n, (t + 1) * step), k, alpha, a, ao, rs, cst, b, bo, ldb, c, co, ldc));
        }
    }

    private void runNT(int m, int n, int k, float alpha, MemorySegment a, long ao, int lda,
                       MemorySegment b, long bo, int ldb, MemorySegment c, long co, int ldc) {
        int tasks = taskCount(m, n, k);
        if (tasks <= 1) {
            kernels.gemmNT(0, m, 0, n, k, alpha, a, ao, lda, b, bo, ldb, c, co, ldc);
            return;
        }
        int step = roundUp(ceilDiv(n, tasks), 2);
        IntStream.range(0, ceilDiv(n, step)).parallel().forEach(t ->
                kernels.gemmNT(0, m, t * step, Math.min(n, (t + 1) * step), k, alpha, a, ao, lda, b, bo, ldb, c, co, ldc));
    }

    private static int taskCount(int m, int n, int k) {
        long work = (long) m * n * k;
        int threads = ForkJoinPool.getCommonPoolParallelism();
        if (work < PARALLEL_WORK || threads <= 1) {
            return 1;
        }
        return (int) Math.min(threads * 4L, Math.max(1, work / PARALLEL_WORK));
    }

    /** Copies the rows × cols matrix at {@code off} (leading dimension ld) into a new cols × rows row-major one. */
    private static MemorySegment packTransposed(MemorySegment src, long off, int rows, int cols, int ld) {
        float[] out = new float[Math.multiplyExact(rows, cols)];
        for (int r = 0; r < rows; r++) {
            long base = off + (long) r * ld;
            for (int q = 0; q < cols; q++) {
                out[q * rows + r] = src.getAtIndex(JAVA_FLOAT, base + q);
            }
        }
        return MemorySegment.ofArray(out);
    }

    @Override
    public void addRowVector(Tensor matrix, Tensor vector) {
        int cols = (int) vector.numel();
        if (cols == 0 || matrix.numel() % cols != 0) {
            throw new IllegalArgumentException("addRowVector: matrix of " + matrix.numel() + " elements is not a whole number of rows of "
                    + cols);
        }
        long rows = matrix.numel() / cols;
        MemorySegment ms = matrix.segment(), vs = vector.segment();
        for (long r = 0; r < rows; r++) {
            kernels.axpy(1f, vs, vector.offset(), ms, matrix.offset() + r * cols, cols);
        }
    }

    @Override
    public void sumRows(float alpha, Tensor matrix, Tensor out) {
        int cols = (int) out.numel();
        if (cols == 0 || matrix.numel() % cols != 0) {
            throw new IllegalArgumentException("sumRows: matrix of " + matrix.numel() + " elements is not a whole number of rows of "
                    + cols);
        }
        long rows = matrix.numel() / cols;
        MemorySegment ms = matrix.segment(), os = out.segment();
        for (long r = 0; r < rows; r++) {
            kernels.axpy(alpha, ms, matrix.offset() + r * cols, os, out.offset(), cols);
        }
    }


    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static int roundUp(int a, int multiple) {
        return ceilDiv(a, multiple) * multiple;
    }
}
