package dev.kindling.core.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * A 2-d real-to-complex FFT of power-of-two size h × w, written for convolution: inputs are small
 * planes zero-padded into the transform, outputs are cropped windows of the inverse.
 *
 * <p>The forward transform runs a real FFT along each non-zero row (a complex FFT of half the length
 * on the interleaved even/odd samples, then the usual split step), giving h × (w/2 + 1) frequencies,
 * then radix-2 column FFTs as butterflies over whole rows, which {@link SpectralKernels} vectorizes
 * across the w/2 + 1 columns. Rows are written in bit-reversed order so the decimation-in-time column
 * pass ends in natural order; the inverse uses decimation in frequency, ends in bit-reversed order and
 * inverts only the rows it is asked for.
 *
 * <p>A spectrum occupies {@link #planeStride()} floats: real parts of row y at {@code y·(w/2+1)}, the
 * imaginary parts {@link #freqs()} further on. Instances are immutable and shared between threads;
 * callers pass per-thread {@link Scratch}.
 */
final class RealFft2d {

    private final int h;
    private final int w;
    private final int m;
    private final int wc;
    private final int freqs;
    private final int[] revH;
    private final int[] revM;
    private final float[] cosH, sinH, cosM, sinM, cosW, sinW;
    private final SpectralKernels kernels;

    RealFft2d(int h, int w, SpectralKernels kernels) {
        if (Integer.bitCount(h) != 1 || Integer.bitCount(w) != 1 || w < 2) {
            throw new IllegalArgumentException("FFT sizes must be powers of two (width >= 2), got " + h + " x " + w);
        }
        this.h = h;
        this.w = w;
        this.m = w / 2;
        this.wc = m + 1;
        this.freqs = roundUp(h * wc, 16);
        this.revH = bitReversal(h);
        this.revM = bitReversal(m);
        this.cosH = table(h, h / 2, true);
        this.sinH = table(h, h / 2, false);
        this.cosM = table(m, m / 2, true);
        this.sinM = table(m, m / 2, false);
        this.cosW = table(w, m + 1, true);
        this.sinW = table(w, m + 1, false);
        this.kernels = kernels;
    }

    /** The smallest power of two >= n (at least {@code min}). */
    static int sizeFor(int n, int min) {
        int s = Math.max(min, 1);
        while (s < n) {
            s <<= 1;
        }
        return s;
    }

    int height() {
        return h;
    }

    int width() {
        return w;
    }

    /** Complex values stored per part of a spectrum (h·(w/2+1) rounded up to a multiple of 16). */
    int freqs() {
        return freqs;
    }

    int planeStride() {
        return 2 * freqs;
    }

    /** Per-thread work rows. */
    static final class Scratch {
        final float[] re;
        final float[] im;

        Scratch(RealFft2d plan) {
            re = new float[plan.m];
            im = new float[plan.m];
        }
    }

    /**
     * Transforms the rows × cols plane at {@code src[srcOff]} (row-major, contiguous), placed with its
     * top-left corner at (top, left) of an otherwise zero h × w grid, into {@code spec[specOff ...]}.
     */
    void forward(MemorySegment src, long srcOff, int rows, int cols, int top, int left, float[] spec, int specOff, Scratch s) {
        if (top + rows > h || left + cols > w) {
            throw new IllegalArgumentException("plane " + rows + "x" + cols + " at (" + top + ", " + left + ") does not fit FFT "
                    + h + "x" + w);
        }
        Arrays.fill(spec, specOff, specOff + 2 * freqs, 0f);
        float[] zr = s.re, zi = s.im;
        for (int y = 0; y < rows; y++) {
            Arrays.fill(zr, 0f);
            Arrays.fill(zi, 0f);
            long row = srcOff + (long) y * cols;
            for (int x = 0; x < cols; x++) {
                int j = left + x;
                float v = src.getAtIndex(JAVA_FLOAT, row + x);
                if ((j & 1) == 0) {
                    zr[revM[j >> 1]] = v;
                } else {
                    zi[revM[j >> 1]] = v;
                }
            }
            complexDit(zr, zi, false);
            int out = specOff + revH[top + y] * wc;
            int outIm = out + freqs;
            for (int k = 0; k <= m; k++) {
                int ka = k == m ? 0 : k, kb = k == 0 ? 0 : m - k;
                float ar = zr[ka], ai = zi[ka], br = zr[kb], bi = zi[kb];
                float er = 0.5f * (ar + br), ei = 0.5f * (ai - bi);
                float or = 0.5f * (ai + bi), oi = -0.5f * (ar - br);
                float c = cosW[k], sn = sinW[k];
                spec[out + k] = er + c * or + sn * oi;
                spec[outIm + k] = ei + c * oi - sn * or;
            }
        }
        for (int len = 2; len <= h; len <<= 1) {
            int half = len >> 1, step = h / len;
            for (int g = 0; g < h; g += len) {
                for (int j = 0; j < half; j++) {
                    kernels.butterflyDit(spec, specOff + (g + j) * wc, specOff + (g + j + half) * wc, freqs, wc,
                            cosH[j * step], -sinH[j * step]);
                }
            }
        }
    }

    /**
     * Inverts the spectrum at {@code spec[specOff ...]} (destroying it) and writes rows [r0, r0 + nr) ×
     * columns [c0, c0 + nc) of the result, times {@code scale}, to the nr × nc row-major window at
     * {@code dst[dstOff]}; adds to what is there when {@code accumulate}. The transform is unnormalized:
     * pass {@code scale = } {@link #inverseScale()} for the true inverse.
     */
    void inverse(float[] spec, int specOff, int r0, int nr, int c0, int nc, float scale,
                 MemorySegment dst, long dstOff, boolean accumulate, Scratch s) {
        for (int len = h; len >= 2; len >>= 1) {
            int half = len >> 1, step = h / len;
            for (int g = 0; g < h; g += len) {
                for (int j = 0; j < half; j++) {
                    kernels.butterflyDif(spec, specOff + (g + j) * wc, specOff + (g + j + half) * wc, freqs, wc,
                            cosH[j * step], sinH[j * step]);
                }
            }
        }
        float[] zr = s.re, zi = s.im;
        for (int y = 0; y < nr; y++) {
            int in = specOff + revH[r0 + y] * wc;
            int inIm = in + freqs;
            for (int k = 0; k < m; k++) {
                float xr = spec[in + k], xi = spec[inIm + k];
                float yr = spec[in + m - k], yi = spec[inIm + m - k];
                float er = 0.5f * (xr + yr), ei = 0.5f * (xi - yi);
                float dr = 0.5f * (xr - yr), di = 0.5f * (xi + yi);
                float c = cosW[k], sn = sinW[k];
                float or = dr * c - di * sn, oi = dr * sn + di * c;
                zr[revM[k]] = er - oi;
                zi[revM[k]] = ei + or;
            }
            complexDit(zr, zi, true);
            long row = dstOff + (long) y * nc;
            for (int x = 0; x < nc; x++) {
                int j = c0 + x;
                float v = scale * ((j & 1) == 0 ? zr[j >> 1] : zi[j >> 1]);
                if (accumulate) {
                    v += dst.getAtIndex(JAVA_FLOAT, row + x);
                }
                dst.setAtIndex(JAVA_FLOAT, row + x, v);
            }
        }
    }

    /** The factor that turns {@link #inverse} into the true inverse transform. */
    float inverseScale() {
        return 1f / ((float) h * m);
    }

    /** In-place radix-2 complex FFT of length m on bit-reversed input; inverse uses conjugate twiddles. */
    private void complexDit(float[] re, float[] im, boolean inverse) {
        float sign = inverse ? 1f : -1f;
        for (int len = 2; len <= m; len <<= 1) {
            int half = len >> 1, step = m / len;
            for (int g = 0; g < m; g += len) {
                for (int j = 0; j < half; j++) {
                    float wr = cosM[j * step], wi = sign * sinM[j * step];
                    int a = g + j, b = a + half;
                    float tr = wr * re[b] - wi * im[b], ti = wr * im[b] + wi * re[b];
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
    }

    private static int[] bitReversal(int n) {
        int bits = Integer.numberOfTrailingZeros(n);
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = bits == 0 ? 0 : Integer.reverse(i) >>> (32 - bits);
        }
        return r;
    }

    /** cos or sin of 2πk/n for k < count. */
    private static float[] table(int n, int count, boolean cos) {
        float[] t = new float[Math.max(count, 1)];
        for (int k = 0; k < count; k++) {
            double a = 2 * Math.PI * k / n;
            t[k] = (float) (cos ? Math.cos(a) : Math.sin(a));
        }
        return t;
    }

    private static int roundUp(int a, int multiple) {
        return (a + multiple - 1) / multiple * multiple;
    }
}
