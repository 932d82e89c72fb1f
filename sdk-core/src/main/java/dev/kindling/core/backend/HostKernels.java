package dev.kindling.core.backend;

import java.lang.foreign.MemorySegment;

/**
 * The host inner loops whose speed matters: dot products, axpy and the GEMM micro-kernels, over memory
 * segments. The CPU backend picks one implementation once (the Vector API where present, plain Java
 * otherwise); code that runs its own loops on host tensors gets it from {@link HostBackend#kernels()} and
 * keeps it in a {@code static final} field, so each call binds to that one implementation. Offsets and
 * strides are in float elements.
 */
public interface HostKernels {

    /** E.g. {@code "scalar"} or {@code "vector-512"}. */
    String name();

    /** Σ a[aOff + i] · b[bOff + i] for i &lt; n. */
    float dot(MemorySegment a, long aOff, MemorySegment b, long bOff, int n);

    /** y[yOff + i] += alpha · x[xOff + i] for i &lt; n. */
    void axpy(float alpha, MemorySegment x, long xOff, MemorySegment y, long yOff, int n);

    /**
     * C[i, j] += alpha · Σ_p A(i, p) · B[p, j] for rows i in [i0, i1) and columns j in [j0, j1), with
     * A(i, p) = a[aOff + i·aRowStride + p·aColStride], B row-major with leading dimension ldb and C with ldc.
     */
    void gemmNN(int i0, int i1, int j0, int j1, int k, float alpha,
                MemorySegment a, long aOff, long aRowStride, long aColStride,
                MemorySegment b, long bOff, int ldb,
                MemorySegment c, long cOff, int ldc);

    /**
     * C[i, j] += alpha · Σ_p A[i, p] · B[j, p] (both row-major, contiguous along p) for rows i in
     * [i0, i1) and columns j in [j0, j1).
     */
    void gemmNT(int i0, int i1, int j0, int j1, int k, float alpha,
                MemorySegment a, long aOff, int lda,
                MemorySegment b, long bOff, int ldb,
                MemorySegment c, long cOff, int ldc);
}
