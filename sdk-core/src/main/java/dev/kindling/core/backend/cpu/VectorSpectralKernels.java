package dev.kindling.core.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SpectralKernels} on the Vector API. The complex multiply-accumulate keeps a 2 × 2 block of
 * output planes (one vector of frequencies each, real and imaginary: 8 registers) across the whole
 * reduction, so each step loads 4 complex vectors and issues 16 fused multiply-adds.
 */
final class VectorSpectralKernels implements SpectralKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public void butterflyDit(float[] d, int a, int b, int imShift, int n, float wr, float wi) {
        int x = 0;
        if (n >= L) {
            FloatVector vwr = FloatVector.broadcast(S, wr), vwi = FloatVector.broadcast(S, wi);
            for (; x + L <= n; x += L) {
                FloatVector br = FloatVector.fromArray(S, d, b + x), bi = FloatVector.fromArray(S, d, imShift + b + x);
                FloatVector tr = br.mul(vwr).sub(bi.mul(vwi));
                FloatVector ti = bi.mul(vwr).add(br.mul(vwi));
                FloatVector ar = FloatVector.fromArray(S, d, a + x), ai = FloatVector.fromArray(S, d, imShift + a + x);
                ar.sub(tr).intoArray(d, b + x);
                ai.sub(ti).intoArray(d, imShift + b + x);
                ar.add(tr).intoArray(d, a + x);
                ai.add(ti).intoArray(d, imShift + a + x);
            }
        }
        ScalarSpectralKernels.dit(d, a, b, imShift, x, n, wr, wi);
    }

    @Override
    public void butterflyDif(float[] d, int a, int b, int imShift, int n, float wr, float wi) {
        int x = 0;
        if (n >= L) {
            FloatVector vwr = FloatVector.broadcast(S, wr), vwi = FloatVector.broadcast(S, wi);
            for (; x + L <= n; x += L) {
                FloatVector ar = FloatVector.fromArray(S, d, a + x), ai = FloatVector.fromArray(S, d, imShift + a + x);
                FloatVector br = FloatVector.fromArray(S, d, b + x), bi = FloatVector.fromArray(S, d, imShift + b + x);
                FloatVector dr = ar.sub(br), di = ai.sub(bi);
                ar.add(br).intoArray(d, a + x);
                ai.add(bi).intoArray(d, imShift + a + x);
                dr.mul(vwr).sub(di.mul(vwi)).intoArray(d, b + x);
                dr.mul(vwi).add(di.mul(vwr)).intoArray(d, imShift + b + x);
            }
        }
        ScalarSpectralKernels.dif(d, a, b, imShift, x, n, wr, wi);
    }

    @Override
    public void complexProducts(int f0, int f1, int mCount, int nCount, int kCount, int planeStride,
                                float[] a, int aBase, int aM, int aK, boolean conjA,
                                float[] b, int bBase, int bN, int bK, boolean conjB,
                                float[] c, int cBase, int cM, int cN) {
        if ((f1 - f0) % L != 0) {
            new ScalarSpectralKernels().complexProducts(f0, f1, mCount, nCount, kCount, planeStride, a, aBase, aM, aK, conjA,
                    b, bBase, bN, bK, conjB, c, cBase, cM, cN);
            return;
        }
        int half = planeStride / 2;
        FloatVector sa = FloatVector.broadcast(S, conjA ? -1f : 1f), sb = FloatVector.broadcast(S, conjB ? -1f : 1f);
        for (int f = f0; f < f1; f += L) {
            int m = 0;
            for (; m + 2 <= mCount; m += 2) {
                int n = 0;
                for (; n + 2 <= nCount; n += 2) {
                    block2x2(f, m, n, kCount, planeStride, half, a, aBase, aM, aK, sa, b, bBase, bN, bK, sb, c, cBase, cM, cN);
                }
                for (; n < nCount; n++) {
                    block1x1(f, m, n, kCount, planeStride, half, a, aBase, aM, aK, sa, b, bBase, bN, bK, sb, c, cBase, cM, cN);
                    block1x1(f, m + 1, n, kCount, planeStride, half, a, aBase, aM, aK, sa, b, bBase, bN, bK, sb, c, cBase, cM, cN);
                }
            }
            for (; m < mCount; m++) {
                for (int n = 0; n < nCount; n++) {
                    block1x1(f, m, n, kCount, planeStride, half, a, aBase, aM, aK, sa, b, bBase, bN, bK, sb, c, cBase, cM, cN);
                }
            }
        }
    }

    private static void block2x2(int f, int m, int n, int kCount, int ps, int half,
                                 float[] a, int aBase, int aM, int aK, FloatVector sa,
                                 float[] b, int bBase, int bN, int bK, FloatVector sb,
                                 float[] c, int cBase, int cM, int cN) {
        FloatVector r00 = FloatVector.zero(S), i00 = FloatVector.zero(S), r01 = FloatVector.zero(S), i01 = FloatVector.zero(S);
        FloatVector r10 = FloatVector.zero(S), i10 = FloatVector.zero(S), r11 = FloatVector.zero(S), i11 = FloatVector.zero(S);
        int pa0 = (aBase + m * aM) * ps + f, pa1 = pa0 + aM * ps, stepA = aK * ps;
        int pb0 = (bBase + n * bN) * ps + f, pb1 = pb0 + bN * ps, stepB = bK * ps;
        for (int k = 0; k < kCount; k++, pa0 += stepA, pa1 += stepA, pb0 += stepB, pb1 += stepB) {
            FloatVector ar0 = FloatVector.fromArray(S, a, pa0), ai0 = FloatVector.fromArray(S, a, pa0 + half).mul(sa);
            FloatVector ar1 = FloatVector.fromArray(S, a, pa1), ai1 = FloatVector.fromArray(S, a, pa1 + half).mul(sa);
            FloatVector br0 = FloatVector.fromArray(S, b, pb0), bi0 = FloatVector.fromArray(S, b, pb0 + half).mul(sb);
            FloatVector br1 = FloatVector.fromArray(S, b, pb1), bi1 = FloatVector.fromArray(S, b, pb1 + half).mul(sb);
            FloatVector nbi0 = bi0.neg(), nbi1 = bi1.neg();
            r00 = ai0.fma(nbi0, ar0.fma(br0, r00));
            i00 = ai0.fma(br0, ar0.fma(bi0, i00));
            r01 = ai0.fma(nbi1, ar0.fma(br1, r01));
            i01 = ai0.fma(br1, ar0.fma(bi1, i01));
            r10 = ai1.fma(nbi0, ar1.fma(br0, r10));
            i10 = ai1.fma(br0, ar1.fma(bi0, i10));
            r11 = ai1.fma(nbi1, ar1.fma(br1, r11));
            i11 = ai1.fma(br1, ar1.fma(bi1, i11));
        }
        int c00 = (cBase + m * cM + n * cN) * ps + f;
        store(r00, i00, c, c00, half);
        store(r01, i01, c, c00 + cN * ps, half);
        store(r10, i10, c, c00 + cM * ps, half);
        store(r11, i11, c, c00 + (cM + cN) * ps, half);
    }

    private static void block1x1(int f, int m, int n, int kCount, int ps, int half,
                                 float[] a, int aBase, int aM, int aK, FloatVector sa,
                                 float[] b, int bBase, int bN, int bK, FloatVector sb,
                                 float[] c, int cBase, int cM, int cN) {
        FloatVector r = FloatVector.zero(S), i = FloatVector.zero(S);
        int pa = (aBase + m * aM) * ps + f, stepA = aK * ps;
        int pb = (bBase + n * bN) * ps + f, stepB = bK * ps;
        for (int k = 0; k < kCount; k++, pa += stepA, pb += stepB) {
            FloatVector ar = FloatVector.fromArray(S, a, pa), ai = FloatVector.fromArray(S, a, pa + half).mul(sa);
            FloatVector br = FloatVector.fromArray(S, b, pb), bi = FloatVector.fromArray(S, b, pb + half).mul(sb);
            r = ai.fma(bi.neg(), ar.fma(br, r));
            i = ai.fma(br, ar.fma(bi, i));
        }
        store(r, i, c, (cBase + m * cM + n * cN) * ps + f, half);
    }

    private static void store(FloatVector r, FloatVector i, float[] c, int at, int half) {
        r.intoArray(c, at);
        i.intoArray(c, at + half);
    }
}
