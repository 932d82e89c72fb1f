package dev.kindling.cuda.ops;

import dev.kindling.core.backend.ConvGeometry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link ConvSteps} on host arrays, for checking the convolutions' orchestration without a GPU. Arrays
 * sit at disjoint fake device addresses (array i at (i + 1) << 36). The GEMMs enforce cuBLAS's argument
 * rules (each leading dimension at least its row length) and fail when one call would write an element
 * twice (a race on the GPU) or touch memory outside the addressed array; the kernel steps are
 * line-by-line transliterations of conv.cu (segment loops included), so their index math runs here too.
 */
final class HostConvSteps implements ConvSteps {

    private static final int SHIFT = 36;
    private final List<float[]> arrays = new ArrayList<>();
    int gemmCalls;

    /** Places {@code data} at a fresh fake address. */
    long place(float[] data) {
        arrays.add(data);
        return (long) arrays.size() << SHIFT;
    }

    private float[] array(long address) {
        int i = (int) (address >>> SHIFT) - 1;
        if (i < 0 || i >= arrays.size()) {
            fail("address 0x" + Long.toHexString(address) + " is in no array");
        }
        return arrays.get(i);
    }

    private static long index(long address) {
        long bytes = address & ((1L << SHIFT) - 1);
        assertEquals(0, bytes % Float.BYTES, "misaligned address");
        return bytes / Float.BYTES;
    }

    /** An array view from an address: reads and writes are bounds-checked against the whole array. */
    private final class Mem {
        final float[] a;
        final long base;

        Mem(long address) {
            a = array(address);
            base = index(address);
        }

        float get(long i) {
            long at = base + i;
            if (at < 0 || at >= a.length) {
                fail("read out of bounds: element " + at + " of " + a.length);
            }
            return a[(int) at];
        }

        void set(long i, float v) {
            long at = base + i;
            if (at < 0 || at >= a.length) {
                fail("write out of bounds: element " + at + " of " + a.length);
            }
            a[(int) at] = v;
        }
    }

    @Override
    public Buffer allocate(long floats) {
        float[] data = new float[Math.toIntExact(Math.max(1, floats))];
        Arrays.fill(data, Float.NaN); // fresh device memory is garbage: a step that reads before writing shows up
        long address = place(data);
        return new Buffer() {
            @Override
            public long address() {
                return address;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void zero(long address, long floats) {
        Mem m = new Mem(address);
        for (long i = 0; i < floats; i++) {
            m.set(i, 0f);
        }
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long b, int ldb, float beta, long c,
                     int ldc) {
        stridedGemm(transA, transB, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1);
    }

    @Override
    public void stridedGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long strideA, long b, int ldb,
                            long strideB, float beta, long c, int ldc, long strideC, int batch) {
        gemmCalls++;
        // cuBLAS's checks after the row-major swap: each leading dimension covers its row.
        assertTrue(lda >= Math.max(1, transA ? m : k), "lda " + lda + " shorter than a row of A");
        assertTrue(ldb >= Math.max(1, transB ? k : n), "ldb " + ldb + " shorter than a row of B");
        assertTrue(ldc >= Math.max(1, n), "ldc " + ldc + " shorter than a row of C (" + n + ")");
        Mem am = new Mem(a), bm = new Mem(b), cm = new Mem(c);
        Set<Long> written = new HashSet<>();
        for (int i = 0; i < batch; i++) {
            for (int r = 0; r < m; r++) {
                for (int col = 0; col < n; col++) {
                    double sum = 0;
                    for (int p = 0; p < k; p++) {
                        float av = am.get(i * strideA + (transA ? (long) p * lda + r : (long) r * lda + p));
                        float bv = bm.get(i * strideB + (transB ? (long) col * ldb + p : (long) p * ldb + col));
                        sum += (double) av * bv;
                    }
                    long ci = i * strideC + (long) r * ldc + col;
                    assertTrue(written.add(ci), "C element " + ci + " written twice in one call: a race on the GPU");
                    float old = cm.get(ci);
                    cm.set(ci, (float) (alpha * sum + (beta == 0f ? 0 : beta * old)));
                }
            }
        }
    }

    // The kernels, transliterated from conv.cu: a block per segment, threads over the segment.

    @Override
    public void temporalUnfold(long x, long cols, int n, int frames, int in, int steps, int kW, int dW) {
        Mem xm = new Mem(x), cm = new Mem(cols);
        int row = kW * in;
        for (long r = 0; r < (long) n * steps; r++) {
            long b = r / steps;
            long p = r - b * steps;
            long src = (b * frames + p * dW) * in;
            long dst = r * row;
            for (int m = 0; m < row; m++) {
                cm.set(dst + m, xm.get(src + m));
            }
        }
    }

    @Override
    public void temporalFold(long gcols, long gi, int n, int frames, int in, int steps, int kW, int dW) {
        Mem gc = new Mem(gcols), g = new Mem(gi);
        long row = (long) kW * in;
        for (long bt = 0; bt < (long) n * frames; bt++) {
            long b = bt / frames;
            int t = (int) (bt - b * frames);
            for (int i = 0; i < in; i++) {
                float acc = 0f;
                for (int j = Math.min(kW - 1, t); j >= 0; j--) {
                    int d = t - j;
                    if (d % dW != 0) {
                        continue;
                    }
                    int p = d / dW;
                    if (p >= steps) {
                        break;
                    }
                    acc += gc.get((b * steps + p) * row + (long) j * in + i);
                }
                g.set(bt * in + i, acc);
            }
        }
    }

    @Override
    public void im2col(long x, long cols, int n, int ch, int h, int w, ConvGeometry g, int oh, int ow) {
        Mem xm = new Mem(x), cm = new Mem(cols);
        int plane = oh * ow;
        int kH = g.kH(), kW = g.kW();
        for (long s = 0; s < (long) ch * kH * kW * n; s++) {
            long kk = s / n;
            long b = s - kk * n;
            int kj = (int) (kk % kW);
            int r = (int) (kk / kW);
            int ki = r % kH, c = r / kH;
            long img = (b * ch + c) * h * w;
            long dst = kk * n * plane + b * plane;
            for (int q = 0; q < plane; q++) {
                int oy = q / ow, ox = q - oy * ow;
                int iy = oy * g.dH() - g.padH() + ki, ix = ox * g.dW() - g.padW() + kj;
                cm.set(dst + q, iy >= 0 && iy < h && ix >= 0 && ix < w ? xm.get(img + (long) iy * w + ix) : 0f);
            }
        }
    }

    @Override
    public void col2im(long gcols, long gi, int n, int ch, int h, int w, ConvGeometry g, int oh, int ow) {
        Mem gc = new Mem(gcols), gm = new Mem(gi);
        long plane = (long) oh * ow;
        long ncol = n * plane;
        int kH = g.kH(), kW = g.kW();
        for (long bc = 0; bc < (long) n * ch; bc++) {
            long b = bc / ch;
            int c = (int) (bc - b * ch);
            long tapBase = (long) c * kH * kW * ncol + b * plane;
            for (int yx = 0; yx < h * w; yx++) {
                int y = yx / w, x = yx - y * w;
                float acc = 0f;
                for (int ki = 0; ki < kH; ki++) {
                    int ty = y + g.padH() - ki;
                    if (ty < 0) {
                        break;
                    }
                    if (ty % g.dH() != 0) {
                        continue;
                    }
                    int oy = ty / g.dH();
                    if (oy >= oh) {
                        continue;
                    }
                    long rowBase = tapBase + (long) ki * kW * ncol + (long) oy * ow;
                    for (int kj = 0; kj < kW; kj++) {
                        int tx = x + g.padW() - kj;
                        if (tx < 0) {
                            break;
                        }
                        if (tx % g.dW() != 0) {
                            continue;
                        }
                        int ox = tx / g.dW();
                        if (ox >= ow) {
                            continue;
                        }
                        acc += gc.get(rowBase + (long) kj * ncol + ox);
                    }
                }
                gm.set(bc * h * w + yx, acc);
            }
        }
    }

    @Override
    public void fillBiasRows(long y, long bias, long rows, int outputs) {
        Mem ym = new Mem(y), bm = new Mem(bias);
        for (long r = 0; r < rows; r++) {
            for (int c = 0; c < outputs; c++) {
                ym.set(r * outputs + c, bm.get(c));
            }
        }
    }

    @Override
    public void fillBiasPlanes(long y, long bias, int batch, int outputs, int plane) {
        Mem ym = new Mem(y), bm = new Mem(bias);
        for (long s = 0; s < (long) batch * outputs; s++) {
            float v = bm.get(s % outputs);
            for (int q = 0; q < plane; q++) {
                ym.set(s * plane + q, v);
            }
        }
    }

    @Override
    public void batchToColumns(long go, long goCols, int n, int outputs, int plane) {
        Mem src = new Mem(go), dst = new Mem(goCols);
        for (long s = 0; s < (long) outputs * n; s++) {
            long o = s / n;
            long b = s - o * n;
            for (int q = 0; q < plane; q++) {
                dst.set(s * plane + q, src.get((b * outputs + o) * plane + q));
            }
        }
    }

    @Override
    public void addColumnSums(long m, long rows, int cols, long out) {
        Mem mm = new Mem(m), om = new Mem(out);
        for (int c = 0; c < cols; c++) {
            double s = 0;
            for (long r = 0; r < rows; r++) {
                s += mm.get(r * cols + c);
            }
            om.set(c, (float) (om.get(c) + s));
        }
    }

    @Override
    public void addPlaneSums(long go, int batch, int outputs, int plane, long out) {
        Mem g = new Mem(go), om = new Mem(out);
        for (int o = 0; o < outputs; o++) {
            double s = 0;
            for (int b = 0; b < batch; b++) {
                for (int q = 0; q < plane; q++) {
                    s += g.get(((long) b * outputs + o) * plane + q);
                }
            }
            om.set(o, (float) (om.get(o) + s));
        }
    }
}
