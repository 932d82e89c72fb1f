package dev.kindling.core.backend.cpu;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/** Plain Java CPU kernels: the portable fallback, and the baseline the Vector API ones are measured against. */
public final class ScalarKernels implements CpuKernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public float dot(MemorySegment a, long aOff, MemorySegment b, long bOff, int n) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 += a.getAtIndex(JAVA_FLOAT, aOff + i) * b.getAtIndex(JAVA_FLOAT, bOff + i);
            s1 += a.getAtIndex(JAVA_FLOAT, aOff + i + 1) * b.getAtIndex(JAVA_FLOAT, bOff + i + 1);
            s2 += a.getAtIndex(JAVA_FLOAT, aOff + i + 2) * b.getAtIndex(JAVA_FLOAT, bOff + i + 2);
            s3 += a.getAtIndex(JAVA_FLOAT, aOff + i + 3) * b.getAtIndex(JAVA_FLOAT, bOff + i + 3);
        }
        for (; i < n; i++) {
            s0 += a.getAtIndex(JAVA_FLOAT, aOff + i) * b.getAtIndex(JAVA_FLOAT, bOff + i);
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void axpy(float alpha, MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        for (int i = 0; i < n; i++) {
            y.setAtIndex(JAVA_FLOAT, yOff + i, y.getAtIndex(JAVA_FLOAT, yOff + i) + alpha * x.getAtIndex(JAVA_FLOAT, xOff + i));
        }
    }

    @Override
    public void gemmNN(int i0, int i1, int j0, int j1, int k, float alpha,
                       MemorySegment a, long aOff, long aRowStride, long aColStride,
                       MemorySegment b, long bOff, int ldb,
                       MemorySegment c, long cOff, int ldc) {
        for (int i = i0; i < i1; i++) {
            long cRow = cOff + (long) i * ldc;
            long aRow = aOff + i * aRowStride;
            for (int p = 0; p < k; p++) {
                float av = alpha * a.getAtIndex(JAVA_FLOAT, aRow + p * aColStride);
                long bRow = bOff + (long) p * ldb;
                for (int j = j0; j < j1; j++) {
                    c.setAtIndex(JAVA_FLOAT, cRow + j, c.getAtIndex(JAVA_FLOAT, cRow + j) + av * b.getAtIndex(JAVA_FLOAT, bRow + j));
                }
            }
        }
    }

    @Override
    public void gemmNT(int i0, int i1, int j0, int j1, int k, float alpha,
                       MemorySegment a, long aOff, int lda,
                       MemorySegment b, long bOff, int ldb,
                       MemorySegment c, long cOff, int ldc) {
        for (int i = i0; i < i1; i++) {
            long cRow = cOff + (long) i * ldc;
            for (int j = j0; j < j1; j++) {
                float d = dot(a, aOff + (long) i * lda, b, bOff + (long) j * ldb, k);
                c.setAtIndex(JAVA_FLOAT, cRow + j, c.getAtIndex(JAVA_FLOAT, cRow + j) + alpha * d);
            }
        }
    }
}
