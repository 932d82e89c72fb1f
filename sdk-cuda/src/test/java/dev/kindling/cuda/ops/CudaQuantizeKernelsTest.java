package dev.kindling.cuda.ops;

import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.CudaTestSupport;
import dev.kindling.cuda.memory.DeviceBlock;
import dev.kindling.cuda.runtime.CudaDevice;
import dev.kindling.cuda.runtime.KernelArgs;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static dev.kindling.cuda.runtime.CudaStorage.address;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The 1-bit quantize/dequantize kernels against a plain Java reference of the same rule (QuantizeOps
 * itself arrives with the parallel branch; these kernels are what its CUDA implementation launches).
 */
class CudaQuantizeKernelsTest extends CudaTestSupport {

    /** Reference: x = g + r; per group means of the non-negative and negative x; bits; r = x - reconstruction. */
    private static float[][] reference(float[] g, float[] r, int ld, int rows, int cols, boolean perRow, int[] bits) {
        int groups = perRow ? rows : cols;
        double[] ps = new double[groups], ns = new double[groups];
        int[] pc = new int[groups], cnt = new int[groups];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < cols; c++) {
                float x = g[i * ld + c] + r[i * ld + c];
                int k = perRow ? i : c;
                cnt[k]++;
                if (x >= 0) {
                    ps[k] += x;
                    pc[k]++;
                } else {
                    ns[k] += x;
                }
            }
        }
        float[] pos = new float[groups], neg = new float[groups];
        for (int k = 0; k < groups; k++) {
            pos[k] = pc[k] == 0 ? 0f : (float) (ps[k] / pc[k]);
            neg[k] = cnt[k] - pc[k] == 0 ? 0f : (float) (ns[k] / (cnt[k] - pc[k]));
        }
        float[] res = r.clone();
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < cols; c++) {
                float x = g[i * ld + c] + r[i * ld + c];
                long e = (long) i * cols + c;
                boolean b = x >= 0;
                if (b) {
                    bits[(int) (e >>> 5)] |= 1 << (e & 31);
                }
                int k = perRow ? i : c;
                res[i * ld + c] = x - (b ? pos[k] : neg[k]);
            }
        }
        return new float[][]{pos, neg, res};
    }

    @Test
    void quantizeWithResidualAndDequantizeMatchTheReference() {
        Random rng = new Random(81);
        int rows = 67, ld = 101, col0 = 5, cols = 93;
        for (boolean perRow : new boolean[]{true, false}) {
            Tensor g = rand(rng, rows, ld), r = rand(rng, rows, ld);
            cpu().blas().scale(r, 0.1f);
            int words = (rows * cols + 31) / 32;
            int[] wantBits = new int[words];
            float[] gSlice = g.toArray(), rSlice = r.toArray();
            float[] gb = new float[rows * ld], rb = new float[rows * ld];
            for (int i = 0; i < rows; i++) {
                for (int c = 0; c < cols; c++) {
                    gb[i * ld + c] = gSlice[i * ld + col0 + c];
                    rb[i * ld + c] = rSlice[i * ld + col0 + c];
                }
            }
            float[][] want = reference(gb, rb, ld, rows, cols, perRow, wantBits);
            Tensor dg = gpu(g), dr = gpu(r);
            CudaDevice d = CudaDevice.of(dg);
            int groups = perRow ? rows : cols;
            try (CudaDevice.Scope s = d.enter(); DeviceBlock pos = d.allocate(groups * 4L); DeviceBlock neg = d.allocate(groups * 4L);
                 DeviceBlock bits = d.allocate(words * 4L); DeviceBlock bad = d.allocate(4)) {
                d.zero(bad.address(), 4);
                long gp = address(dg) + col0 * 4L, rp = address(dr) + col0 * 4L;
                KernelArgs means = KernelArgs.of().ptr(gp).ptr(rp).i(ld).i(rows).i(cols).ptr(pos.address()).ptr(neg.address())
                        .ptr(bad.address());
                if (perRow) {
                    d.launch(d.kernel("quantize", "quantize_row_means"), d.grid(rows, 1), 256, means);
                } else {
                    d.launch(d.kernel("quantize", "quantize_col_means"), d.grid(cols, 256), 256, means);
                }
                d.launch(d.kernel("quantize", "quantize_pack"), d.grid((long) words * 32, 256), 256,
                        KernelArgs.of().ptr(gp).ptr(rp).i(ld).i(rows).i(cols).i(perRow).ptr(pos.address()).ptr(neg.address())
                                .ptr(bits.address()));
                assertArrayEquals(wantBits, d.downloadInts(bits.address(), words), "sign bits perRow=" + perRow);
                float[] p = new float[groups], n = new float[groups];
                d.download(pos.address(), MemorySegment.ofArray(p), 0, groups * 4L);
                d.download(neg.address(), MemorySegment.ofArray(n), 0, groups * 4L);
                assertArrayEquals(want[0], p, 1e-6f);
                assertArrayEquals(want[1], n, 1e-6f);
                assertEquals(0, d.downloadInts(bad.address(), 1)[0]);
                float[] res = dr.toArray();
                for (int i = 0; i < rows; i++) {
                    for (int c = 0; c < cols; c++) {
                        assertEquals(want[2][i * ld + c], res[i * ld + col0 + c], 1e-6f, "residual " + i + "," + c);
                    }
                    assertEquals(rSlice[i * ld], res[i * ld], 0f, "columns outside the block are untouched");
                }
                Tensor out = poisoned(rows, ld);
                d.launch(d.kernel("quantize", "dequantize"), d.grid((long) rows * cols, 256), 256,
                        KernelArgs.of().ptr(bits.address()).ptr(pos.address()).ptr(neg.address()).i(perRow).ptr(address(out) + col0 * 4L)
                                .i(ld).i(rows).i(cols).i(0));
                float[] o = out.toArray();
                for (int i = 0; i < rows; i++) {
                    for (int c = 0; c < cols; c++) {
                        float x = gb[i * ld + c] + rb[i * ld + c];
                        int k = perRow ? i : c;
                        assertEquals(x >= 0 ? want[0][k] : want[1][k], o[i * ld + col0 + c], 0f);
                    }
                    assertEquals(Float.NaN, o[i * ld], "outside the block stays as it was");
                }
            }
        }
    }
}
