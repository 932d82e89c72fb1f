package dev.kindling.core.backend.cpu;

import dev.kindling.core.backend.PoolingOps;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.stream.IntStream;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * {@link PoolingOps} on host memory. Loops run along the contiguous last dimension; batches run in
 * parallel when there are several. Ties (equal maxima, equal k-th values) go to the earliest index, so
 * forward and backward agree and results are deterministic.
 */
final class CpuPooling implements PoolingOps {

    private static float get(MemorySegment s, long i) {
        return s.getAtIndex(JAVA_FLOAT, i);
    }

    private static void set(MemorySegment s, long i, float v) {
        s.setAtIndex(JAVA_FLOAT, i, v);
    }

    private static void zero(Tensor t) {
        t.segment().asSlice(t.offset() * Float.BYTES, t.numel() * Float.BYTES).fill((byte) 0);
    }

    private static IntStream batches(int n, long workPerBatch) {
        IntStream s = IntStream.range(0, n);
        return n > 1 && workPerBatch * n > 1 << 16 ? s.parallel() : s;
    }

    // ---- temporal max pooling -------------------------------------------------------------------

    @Override
    public void temporalMaxForward(Tensor input, int kW, int dW, Tensor output) {
        int batch = input.size(0), t = input.size(1), f = input.size(2), to = output.size(1);
        MemorySegment x = input.segment(), y = output.segment();
        long xo = input.offset(), yo = output.offset();
        batches(batch, (long) to * kW * f).forEach(b -> {
            for (int p = 0; p < to; p++) {
                long out = yo + ((long) b * to + p) * f;
                long first = xo + ((long) b * t + (long) p * dW) * f;
                for (int c = 0; c < f; c++) {
                    float m = get(x, first + c);
                    for (int j = 1; j < kW; j++) {
                        float v = get(x, first + (long) j * f + c);
                        if (v > m || (Float.isNaN(v) && !Float.isNaN(m))) {
                            m = v;
                        }
                    }
                    set(y, out + c, m);
                }
            }
        });
    }

    @Override
    public void temporalMaxBackward(Tensor input, Tensor gradOutput, int kW, int dW, Tensor gradInput) {
        int batch = input.size(0), t = input.size(1), f = input.size(2), to = gradOutput.size(1);
        zero(gradInput);
        MemorySegment x = input.segment(), g = gradOutput.segment(), gi = gradInput.segment();
        long xo = input.offset(), go = gradOutput.offset(), gio = gradInput.offset();
        batches(batch, (long) to * kW * f).forEach(b -> {
            for (int p = 0; p < to; p++) {
                long first = ((long) b * t + (long) p * dW) * f;
                for (int c = 0; c < f; c++) {
                    float m = get(x, xo + first + c);
                    int arg = 0;
                    for (int j = 1; j < kW; j++) {
                        float v = get(x, xo + first + (long) j * f + c);
                        if (v > m || (Float.isNaN(v) && !Float.isNaN(m))) {
                            m = v;
                            arg = j;
                        }
                    }
                    long at = gio + first + (long) arg * f + c;
                    set(gi, at, get(gi, at) + get(g, go + ((long) b * to + p) * f + c));
                }
            }
        });
    }

    // ---- k-max pooling --------------------------------------------------------------------------

    /**
     * The time steps holding the k largest values of column {@code c}, ascending. The k-th largest value
     * (by {@link Float#compare}, NaN largest) is found by sorting a copy; everything above it is kept and
     * ties at it are taken earliest first.
     */
    private static int[] topK(MemorySegment x, long base, int t, int f, int c, int k, float[] scratch) {
        for (int i = 0; i < t; i++) {
            scratch[i] = get(x, base + (long) i * f + c);
        }
        float[] sorted = Arrays.copyOf(scratch, t);
        Arrays.sort(sorted);
        float kth = sorted[t - k];
        int above = 0;
        for (int i = 0; i < t; i++) {
            if (Float.compare(scratch[i], kth) > 0) {
                above++;
            }
        }
        int ties = k - above;
        int[] picked = new int[k];
        int n = 0;
        for (int i = 0; i < t && n < k; i++) {
            int cmp = Float.compare(scratch[i], kth);
            if (cmp > 0 || (cmp == 0 && ties-- > 0)) {
                picked[n++] = i;
            }
        }
        return picked;
    }

    @Override
    public void kMaxForward(Tensor input, int k, Tensor output) {
        int batch = input.size(0), t = input.size(1), f = input.size(2);
        MemorySegment x = input.segment(), y = output.segment();
        long xo = input.offset(), yo = output.offset();
        batches(batch, (long) t * f * 8).forEach(b -> {
            float[] scratch = new float[t];
            long base = xo + (long) b * t * f;
            for (int c = 0; c < f; c++) {
                int[] picked = topK(x, base, t, f, c, k, scratch);
                for (int j = 0; j < k; j++) {
                    set(y, yo + ((long) b * k + j) * f + c, scratch[picked[j]]);
                }
            }
        });
    }

    @Override
    public void kMaxBackward(Tensor input, Tensor gradOutput, int k, Tensor gradInput) {
        int batch = input.size(0), t = input.size(1), f = input.size(2);
        zero(gradInput);
        MemorySegment x = input.segment(), g = gradOutput.segment(), gi = gradInput.segment();
        long xo = input.offset(), go = gradOutput.offset(), gio = gradInput.offset();
        batches(batch, (long) t * f * 8).forEach(b -> {
            float[] scratch = new float[t];
            long base = (long) b * t * f;
            for (int c = 0; c < f; c++) {
                int[] picked = topK(x, xo + base, t, f, c, k, scratch);
                for (int j = 0; j < k; j++) {
                    set(gi, gio + base + (long) picked[j] * f + c, get(g, go + ((long) b * k + j) * f + c));
                }
            }
        });
    }

    // ---- feature LP pooling ---------------------------------------------------------------------

    @Override
    public void featureLpForward(Tensor input, int width, int stride, float power, Tensor output) {
        int batch = input.size(0), fin = input.size(1), r = input.size(2), fout = output.size(1);
        MemorySegment x = input.segment(), y = output.segment();
        long xo = input.offset(), yo = output.offset();
        boolean max = power == Float.POSITIVE_INFINITY;
        batches(batch, (long) fout * width * r).forEach(b -> {
            for (int o = 0; o < fout; o++) {
                long first = xo + ((long) b * fin + (long) o * stride) * r;
                long out = yo + ((long) b * fout + o) * r;
                for (int q = 0; q < r; q++) {
                    // Scaling by the window's largest |x| keeps x^p finite for large p.
                    float m = 0;
                    for (int j = 0; j < width; j++) {
                        m = Math.max(m, Math.abs(get(x, first + (long) j * r + q)));
                    }
                    float v;
                    if (max || m == 0) {
                        v = m;
                    } else if (power == 1f) {
                        double s = 0;
                        for (int j = 0; j < width; j++) {
                            s += Math.abs(get(x, first + (long) j * r + q));
                        }
                        v = (float) s;
                    } else if (power == 2f) {
                        double s = 0;
                        for (int j = 0; j < width; j++) {
                            double a = get(x, first + (long) j * r + q);
                            s += a * a;
                        }
                        v = (float) Math.sqrt(s);
                    } else {
                        double s = 0;
                        for (int j = 0; j < width; j++) {
                            s += Math.pow(Math.abs(get(x, first + (long) j * r + q)) / m, power);
                        }
                        v = (float) (m * Math.pow(s, 1.0 / power));
                    }
                    set(y, out + q, v);
                }
            }
        });
    }

    @Override
    public void featureLpBackward(Tensor input, Tensor output, Tensor gradOutput, int width, int stride, float power,
                                  Tensor gradInput) {
        int batch = input.size(0), fin = input.size(1), r = input.size(2), fout = output.size(1);
        zero(gradInput);
        MemorySegment x = input.segment(), y = output.segment(), g = gradOutput.segment(), gi = gradInput.segment();
        long xo = input.offset(), yo = output.offset(), go = gradOutput.offset(), gio = gradInput.offset();
        boolean max = power == Float.POSITIVE_INFINITY;
        // Windows overlap when stride < width, so each batch element accumulates on its own slice only.
        batches(batch, (long) fout * width * r).forEach(b -> {
            for (int o = 0; o < fout; o++) {
                long first = ((long) b * fin + (long) o * stride) * r;
                long out = ((long) b * fout + o) * r;
                for (int q = 0; q < r; q++) {
                    float yv = get(y, yo + out + q);
                    float gv = get(g, go + out + q);
                    if (yv == 0 || gv == 0) {
                        continue;
                    }
                    if (max) {
                        int arg = 0;
                        float m = -1;
                        for (int j = 0; j < width; j++) {
                            float a = Math.abs(get(x, xo + first + (long) j * r + q));
                            if (a > m) {
                                m = a;
                                arg = j;
                            }
                        }
                        long at = first + (long) arg * r + q;
                        set(gi, gio + at, get(gi, gio + at) + Math.signum(get(x, xo + at)) * gv);
                        continue;
                    }
                    for (int j = 0; j < width; j++) {
                        long at = first + (long) j * r + q;
                        float xv = get(x, xo + at);
                        if (xv == 0) {
                            continue;
                        }
                        // dy/dx = sign(x) · (|x| / y)^(p-1); |x| <= y keeps it bounded for p >= 1.
                        double d;
                        if (power == 1f) {
                            d = 1;
                        } else if (power == 2f) {
                            d = Math.abs(xv) / (double) yv;
                        } else {
                            d = Math.pow(Math.abs(xv) / (double) yv, power - 1.0);
                        }
                        set(gi, gio + at, get(gi, gio + at) + (float) (Math.signum(xv) * d * gv));
                    }
                }
            }
        });
    }

    // ---- cross-map normalization ----------------------------------------------------------------

    /** den[c][q] = 1 + scale/size · Σ_{c' in window(c)} x[c'][q]^2 for one batch element. */
    private static float[] denominators(MemorySegment x, long base, int ch, int r, int size, float scale) {
        float[] den = new float[ch * r];
        int before = size / 2;
        float a = scale / size;
        for (int c = 0; c < ch; c++) {
            int lo = Math.max(0, c - before), hi = Math.min(ch, c - before + size);
            for (int q = 0; q < r; q++) {
                double s = 0;
                for (int j = lo; j < hi; j++) {
                    double v = get(x, base + (long) j * r + q);
                    s += v * v;
                }
                den[c * r + q] = (float) (1 + a * s);
            }
        }
        return den;
    }

    @Override
    public void crossMapNormForward(Tensor input, int size, float scale, float power, Tensor output) {
        int batch = input.size(0), ch = input.size(1), r = input.size(2);
        MemorySegment x = input.segment(), y = output.segment();
        long xo = input.offset(), yo = output.offset();
        batches(batch, (long) ch * r * size).forEach(b -> {
            long base = (long) b * ch * r;
            float[] den = denominators(x, xo + base, ch, r, size, scale);
            for (int i = 0; i < ch * r; i++) {
                set(y, yo + base + i, (float) (get(x, xo + base + i) * Math.pow(den[i], -power)));
            }
        });
    }

    @Override
    public void crossMapNormBackward(Tensor input, Tensor gradOutput, int size, float scale, float power, Tensor gradInput) {
        int batch = input.size(0), ch = input.size(1), r = input.size(2);
        MemorySegment x = input.segment(), g = gradOutput.segment(), gi = gradInput.segment();
        long xo = input.offset(), go = gradOutput.offset(), gio = gradInput.offset();
        int before = size / 2, after = size - 1 - before;
        double k = 2.0 * scale * power / size;
        batches(batch, (long) ch * r * size).forEach(b -> {
            long base = (long) b * ch * r;
            float[] den = denominators(x, xo + base, ch, r, size, scale);
            // t_c = g_c · x_c · den_c^(-power-1); channel j receives t_c from every c whose window holds j.
            double[] t = new double[ch * r];
            for (int i = 0; i < ch * r; i++) {
                t[i] = get(g, go + base + i) * (double) get(x, xo + base + i) * Math.pow(den[i], -power - 1.0);
            }
            for (int j = 0; j < ch; j++) {
                int lo = Math.max(0, j - after), hi = Math.min(ch - 1, j + before);
                for (int q = 0; q < r; q++) {
                    double s = 0;
                    for (int c = lo; c <= hi; c++) {
                        s += t[c * r + q];
                    }
                    int i = j * r + q;
                    double xj = get(x, xo + base + i);
                    set(gi, gio + base + i, (float) (get(g, go + base + i) * Math.pow(den[i], -power) - k * xj * s));
                }
            }
        });
    }
}
