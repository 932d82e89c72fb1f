package dev.kindling.core.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * CPU kernels on the Vector API (AVX2/AVX-512/NEON, whatever the JIT maps the preferred species to).
 * The GEMM micro-kernel keeps a 4-row × 2-vector block of C in registers across the whole k loop, so
 * each step costs two vector loads of B, four broadcasts of A and eight fused multiply-adds.
 */
public final class VectorKernels implements CpuKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Narrower species for the last n mod L elements of a row (used only where narrower than {@link #S}). */
    static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256, S4 = FloatVector.SPECIES_128;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    private static FloatVector load(MemorySegment m, long index) {
        return FloatVector.fromMemorySegment(S, m, index * Float.BYTES, ORDER);
    }

    private static void store(FloatVector v, MemorySegment m, long index) {
        v.intoMemorySegment(m, index * Float.BYTES, ORDER);
    }

    /** A load of one of the narrower species of the tails. */
    static FloatVector load(VectorSpecies<Float> species, MemorySegment m, long index) {
        return FloatVector.fromMemorySegment(species, m, index * Float.BYTES, ORDER);
    }

    @Override
    public float dot(MemorySegment a, long aOff, MemorySegment b, long bOff, int n) {
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            acc0 = load(a, aOff + i).fma(load(b, bOff + i), acc0);
            acc1 = load(a, aOff + i + L).fma(load(b, bOff + i + L), acc1);
        }
        for (; i + L <= n; i += L) {
            acc0 = load(a, aOff + i).fma(load(b, bOff + i), acc0);
        }
        float s = VectorLanes.sum(acc0.add(acc1));
        // The rest in 8- and 4-lane vectors where they fit (d = 100 on 16 lanes leaves 4): scalar segment
        // reads, each bounds-checked, made a quarter of a 100-float row's time.
        if (L > 8 && i + 8 <= n) {
            s += VectorLanes.sum(load(S8, a, aOff + i).mul(load(S8, b, bOff + i)));
            i += 8;
        }
        if (L > 4 && i + 4 <= n) {
            s += VectorLanes.sum(load(S4, a, aOff + i).mul(load(S4, b, bOff + i)));
            i += 4;
        }
        for (; i < n; i++) {
            s += a.getAtIndex(JAVA_FLOAT, aOff + i) * b.getAtIndex(JAVA_FLOAT, bOff + i);
        }
        return s;
    }

    @Override
    public void axpy(float alpha, MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (; i + L <= n; i += L) {
            store(load(x, xOff + i).fma(va, load(y, yOff + i)), y, yOff + i);
        }
        if (L > 8 && i + 8 <= n) {
            store(load(S8, x, xOff + i).fma(FloatVector.broadcast(S8, alpha), load(S8, y, yOff + i)), y, yOff + i);
            i += 8;
        }
        if (L > 4 && i + 4 <= n) {
            store(load(S4, x, xOff + i).fma(FloatVector.broadcast(S4, alpha), load(S4, y, yOff + i)), y, yOff + i);
            i += 4;
        }
        for (; i < n; i++) {
            y.setAtIndex(JAVA_FLOAT, yOff + i, y.getAtIndex(JAVA_FLOAT, yOff + i) + alpha * x.getAtIndex(JAVA_FLOAT, xOff + i));
        }
    }

    @Override
    public void gemmNN(int i0, int i1, int j0, int j1, int k, float alpha,
                       MemorySegment a, long aOff, long aRowStride, long aColStride,
                       MemorySegment b, long bOff, int ldb,
                       MemorySegment c, long cOff, int ldc) {
        int j = j0;
        for (; j + 2 * L <= j1; j += 2 * L) {
            int i = i0;
            for (; i + 4 <= i1; i += 4) {
                block4x2(i, j, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, ldb, c, cOff, ldc);
            }
            for (; i < i1; i++) {
                block1x2(i, j, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, ldb, c, cOff, ldc);
            }
        }
        for (; j + L <= j1; j += L) {
            for (int i = i0; i < i1; i++) {
                block1x1(i, j, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, ldb, c, cOff, ldc);
            }
        }
        if (j < j1) {
            for (int i = i0; i < i1; i++) {
                long aRow = aOff + i * aRowStride;
                long cRow = cOff + (long) i * ldc;
                for (int jj = j; jj < j1; jj++) {
                    float s = 0;
                    for (int p = 0; p < k; p++) {
                        s += a.getAtIndex(JAVA_FLOAT, aRow + p * aColStride) * b.getAtIndex(JAVA_FLOAT, bOff + (long) p * ldb + jj);
                    }
                    c.setAtIndex(JAVA_FLOAT, cRow + jj, c.getAtIndex(JAVA_FLOAT, cRow + jj) + alpha * s);
                }
            }
        }
    }

    private static void block4x2(int i, int j, int k, float alpha,
                                 MemorySegment a, long aOff, long rs, long cs,
                                 MemorySegment b, long bOff, int ldb,
                                 MemorySegment c, long cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        long a0 = aOff + i * rs, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs;
        long bp = bOff + j;
        for (int p = 0; p < k; p++, bp += ldb) {
            FloatVector b0 = load(b, bp);
            FloatVector b1 = load(b, bp + L);
            long pc = p * cs;
            FloatVector x0 = FloatVector.broadcast(S, a.getAtIndex(JAVA_FLOAT, a0 + pc));
            FloatVector x1 = FloatVector.broadcast(S, a.getAtIndex(JAVA_FLOAT, a1 + pc));
            FloatVector x2 = FloatVector.broadcast(S, a.getAtIndex(JAVA_FLOAT, a2 + pc));
            FloatVector x3 = FloatVector.broadcast(S, a.getAtIndex(JAVA_FLOAT, a3 + pc));
            c00 = b0.fma(x0, c00);
            c01 = b1.fma(x0, c01);
            c10 = b0.fma(x1, c10);
            c11 = b1.fma(x1, c11);
            c20 = b0.fma(x2, c20);
            c21 = b1.fma(x2, c21);
            c30 = b0.fma(x3, c30);
            c31 = b1.fma(x3, c31);
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        long r = cOff + (long) i * ldc + j;
        accumulate(c00, c01, va, c, r);
        accumulate(c10, c11, va, c, r + ldc);
        accumulate(c20, c21, va, c, r + 2L * ldc);
        accumulate(c30, c31, va, c, r + 3L * ldc);
    }

    private static void accumulate(FloatVector v0, FloatVector v1, FloatVector alpha, MemorySegment c, long at) {
        store(v0.fma(alpha, load(c, at)), c, at);
        store(v1.fma(alpha, load(c, at + L)), c, at + L);
    }

    private static void block1x2(int i, int j, int k, float alpha,
                                 MemorySegment a, long aOff, long rs, long cs,
                                 MemorySegment b, long bOff, int ldb,
                                 MemorySegment c, long cOff, int ldc) {
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        long a0 = aOff + i * rs;
        long bp = bOff + j;
        for (int p = 0; p < k; p++, bp += ldb) {
            FloatVector x = FloatVector.broadcast(S, a.getAtIndex(JAVA_FLOAT, a0 + p * cs));
            c0 = load(b, bp).fma(x, c0);
            c1 = load(b, bp + L).fma(x, c1);
        }
        accumulate(c0, c1, FloatVector.broadcast(S, alpha), c, cOff + (long) i * ldc + j);
    }

    private static void block1x1(int i, int j, int k, float alpha,
                                 MemorySegment a, long aOff, long rs, long cs,
                                 MemorySegment b, long bOff, int ldb,
                                 MemorySegment c, long cOff, int ldc) {
        FloatVector c0 = FloatVector.zero(S);
        long a0 = aOff + i * rs;
        long bp = bOff + j;
        for (int p = 0; p < k; p++, bp += ldb) {
            c0 = load(b, bp).fma(FloatVector.broadcast(S, a.getAtIndex(JAVA_FLOAT, a0 + p * cs)), c0);
        }
        long at = cOff + (long) i * ldc + j;
        store(c0.fma(FloatVector.broadcast(S, alpha), load(c, at)), c, at);
    }

    @Override
    public void gemmNT(int i0, int i1, int j0, int j1, int k, float alpha,
                       MemorySegment a, long aOff, int lda,
                       MemorySegment b, long bOff, int ldb,
                       MemorySegment c, long cOff, int ldc) {
        int i = i0;
        for (; i + 2 <= i1; i += 2) {
            int j = j0;
            for (; j + 2 <= j1; j += 2) {
                dot2x2(i, j, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            }
            for (; j < j1; j++) {
                addTo(c, cOff + (long) i * ldc + j, alpha * dot(a, aOff + (long) i * lda, b, bOff + (long) j * ldb, k));
                addTo(c, cOff + (long) (i + 1) * ldc + j, alpha * dot(a, aOff + (long) (i + 1) * lda, b, bOff + (long) j * ldb, k));
            }
        }
        for (; i < i1; i++) {
            for (int j = j0; j < j1; j++) {
                addTo(c, cOff + (long) i * ldc + j, alpha * dot(a, aOff + (long) i * lda, b, bOff + (long) j * ldb, k));
            }
        }
    }

    private static void addTo(MemorySegment c, long at, float v) {
        c.setAtIndex(JAVA_FLOAT, at, c.getAtIndex(JAVA_FLOAT, at) + v);
    }

    private void dot2x2(int i, int j, int k, float alpha,
                        MemorySegment a, long aOff, int lda,
                        MemorySegment b, long bOff, int ldb,
                        MemorySegment c, long cOff, int ldc) {
        long a0 = aOff + (long) i * lda, a1 = a0 + lda;
        long b0 = bOff + (long) j * ldb, b1 = b0 + ldb;
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S);
        int p = 0;
        for (; p + L <= k; p += L) {
            FloatVector x0 = load(a, a0 + p), x1 = load(a, a1 + p);
            FloatVector y0 = load(b, b0 + p), y1 = load(b, b1 + p);
            s00 = x0.fma(y0, s00);
            s01 = x0.fma(y1, s01);
            s10 = x1.fma(y0, s10);
            s11 = x1.fma(y1, s11);
        }
        float d00 = VectorLanes.sum(s00), d01 = VectorLanes.sum(s01);
        float d10 = VectorLanes.sum(s10), d11 = VectorLanes.sum(s11);
        for (; p < k; p++) {
            float x0 = a.getAtIndex(JAVA_FLOAT, a0 + p), x1 = a.getAtIndex(JAVA_FLOAT, a1 + p);
            float y0 = b.getAtIndex(JAVA_FLOAT, b0 + p), y1 = b.getAtIndex(JAVA_FLOAT, b1 + p);
            d00 += x0 * y0;
            d01 += x0 * y1;
            d10 += x1 * y0;
            d11 += x1 * y1;
        }
        long r0 = cOff + (long) i * ldc + j, r1 = r0 + ldc;
        addTo(c, r0, alpha * d00);
        addTo(c, r0 + 1, alpha * d01);
        addTo(c, r1, alpha * d10);
        addTo(c, r1 + 1, alpha * d11);
    }
}
