package dev.kindling.core.backend.cpu;

/** Plain Java {@link SpectralKernels}: the portable fallback. */
final class ScalarSpectralKernels implements SpectralKernels {

    @Override
    public void butterflyDit(float[] d, int a, int b, int imShift, int n, float wr, float wi) {
        dit(d, a, b, imShift, 0, n, wr, wi);
    }

    /** The decimation-in-time butterfly on elements [from, to) (also the vector kernels' tail). */
    static void dit(float[] d, int a, int b, int imShift, int from, int to, float wr, float wi) {
        for (int x = from; x < to; x++) {
            float br = d[b + x], bi = d[imShift + b + x];
            float tr = wr * br - wi * bi, ti = wr * bi + wi * br;
            float ar = d[a + x], ai = d[imShift + a + x];
            d[b + x] = ar - tr;
            d[imShift + b + x] = ai - ti;
            d[a + x] = ar + tr;
            d[imShift + a + x] = ai + ti;
        }
    }

    @Override
    public void butterflyDif(float[] d, int a, int b, int imShift, int n, float wr, float wi) {
        dif(d, a, b, imShift, 0, n, wr, wi);
    }

    /** The decimation-in-frequency butterfly on elements [from, to) (also the vector kernels' tail). */
    static void dif(float[] d, int a, int b, int imShift, int from, int to, float wr, float wi) {
        for (int x = from; x < to; x++) {
            float ar = d[a + x], ai = d[imShift + a + x], br = d[b + x], bi = d[imShift + b + x];
            float dr = ar - br, di = ai - bi;
            d[a + x] = ar + br;
            d[imShift + a + x] = ai + bi;
            d[b + x] = dr * wr - di * wi;
            d[imShift + b + x] = dr * wi + di * wr;
        }
    }

    @Override
    public void complexProducts(int f0, int f1, int mCount, int nCount, int kCount, int planeStride,
                                float[] a, int aBase, int aM, int aK, boolean conjA,
                                float[] b, int bBase, int bN, int bK, boolean conjB,
                                float[] c, int cBase, int cM, int cN) {
        int half = planeStride / 2;
        float sa = conjA ? -1f : 1f, sb = conjB ? -1f : 1f;
        int len = f1 - f0;
        float[] accR = new float[len], accI = new float[len];
        for (int m = 0; m < mCount; m++) {
            for (int n = 0; n < nCount; n++) {
                java.util.Arrays.fill(accR, 0f);
                java.util.Arrays.fill(accI, 0f);
                for (int k = 0; k < kCount; k++) {
                    int pa = (aBase + m * aM + k * aK) * planeStride + f0;
                    int pb = (bBase + n * bN + k * bK) * planeStride + f0;
                    for (int f = 0; f < len; f++) {
                        float ar = a[pa + f], ai = sa * a[pa + half + f];
                        float br = b[pb + f], bi = sb * b[pb + half + f];
                        accR[f] += ar * br - ai * bi;
                        accI[f] += ar * bi + ai * br;
                    }
                }
                int pc = (cBase + m * cM + n * cN) * planeStride + f0;
                System.arraycopy(accR, 0, c, pc, len);
                System.arraycopy(accI, 0, c, pc + half, len);
            }
        }
    }
}
