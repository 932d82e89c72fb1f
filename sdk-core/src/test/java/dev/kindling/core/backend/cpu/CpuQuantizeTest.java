package dev.kindling.core.backend.cpu;

import dev.kindling.core.backend.QuantizationAxis;
import dev.kindling.core.backend.QuantizedGradient;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both CPU kernel sets against a double-precision reference written independently here. */
class CpuQuantizeTest {

    static final int[][] SIZES = {{1, 1}, {3, 7}, {5, 32}, {4, 33}, {9, 70}, {17, 129}};

    @Test
    void quantizeMatchesDoubleReferenceForBothKernelsAndAxes() {
        Random rng = new Random(1);
        for (boolean vector : new boolean[]{false, true}) {
            CpuQuantize ops = new CpuQuantize(vector);
            for (QuantizationAxis axis : QuantizationAxis.values()) {
                for (int[] s : SIZES) {
                    int rows = s[0], cols = s[1];
                    for (int col0 : new int[]{0, cols / 3}) {
                        int bc = cols - col0 - (cols > 4 ? 1 : 0);
                        Tensor g = Tensor.randn(rng, 1f, rows, cols);
                        Tensor res = Tensor.randn(rng, 0.3f, rows, cols);
                        float[] g0 = g.toArray(), r0 = res.toArray();
                        QuantizedGradient q = ops.quantize(g, res, col0, bc, axis);
                        checkAgainstReference(q, g0, r0, res.toArray(), rows, cols, col0, bc, axis, vector);
                    }
                }
            }
        }
    }

    private static void checkAgainstReference(QuantizedGradient q, float[] g, float[] r0, float[] r1, int rows, int cols, int col0,
                                              int bc, QuantizationAxis axis, boolean vector) {
        String where = (vector ? "vector " : "scalar ") + axis + " " + rows + "x" + cols + " col0=" + col0;
        assertEquals((rows * bc + 31) / 32, q.bits().length, where);
        int groups = axis == QuantizationAxis.PER_ROW ? rows : bc;
        double[] ps = new double[groups], ns = new double[groups];
        int[] pc = new int[groups], nc = new int[groups];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < bc; c++) {
                int i = r * cols + col0 + c;
                float x = g[i] + r0[i];
                int k = axis == QuantizationAxis.PER_ROW ? r : c;
                if (x >= 0) {
                    ps[k] += x;
                    pc[k]++;
                } else {
                    ns[k] += x;
                    nc[k]++;
                }
                assertEquals(x >= 0, q.bit(r, c), where + " bit " + r + "," + c);
            }
        }
        for (int k = 0; k < groups; k++) {
            double p = pc[k] == 0 ? 0 : ps[k] / pc[k], n = nc[k] == 0 ? 0 : ns[k] / nc[k];
            assertEquals(p, q.positive()[k], 1e-5 * Math.max(1, Math.abs(p)), where + " positive " + k);
            assertEquals(n, q.negative()[k], 1e-5 * Math.max(1, Math.abs(n)), where + " negative " + k);
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                if (c < col0 || c >= col0 + bc) {
                    assertEquals(r0[i], r1[i], 0f, where + " residual outside the block is untouched");
                } else {
                    float x = g[i] + r0[i];
                    assertEquals(x - q.value(r, c - col0), r1[i], 1e-5, where + " residual " + r + "," + c);
                }
            }
        }
        // unused high bits of the last word stay zero
        long entries = (long) rows * bc;
        if (entries % 32 != 0) {
            assertEquals(0, q.bits()[q.bits().length - 1] >>> (int) (entries % 32), where + " padding bits");
        }
    }

    @Test
    void dequantizeWritesOrAddsTheReconstructionIntoTheBlock() {
        Random rng = new Random(2);
        for (boolean vector : new boolean[]{false, true}) {
            CpuQuantize ops = new CpuQuantize(vector);
            for (QuantizationAxis axis : QuantizationAxis.values()) {
                for (int[] s : SIZES) {
                    int rows = s[0], cols = s[1], col0 = cols / 4, bc = cols - col0;
                    Tensor g = Tensor.randn(rng, 1f, rows, bc);
                    QuantizedGradient q = ops.quantize(g, null, 0, bc, axis);
                    Tensor out = Tensor.randn(rng, 1f, rows, cols);
                    float[] before = out.toArray();
                    ops.dequantize(q, out, col0, true);
                    float[] added = out.toArray();
                    ops.dequantize(q, out, col0, false);
                    float[] written = out.toArray();
                    for (int r = 0; r < rows; r++) {
                        for (int c = 0; c < cols; c++) {
                            int i = r * cols + c;
                            if (c < col0) {
                                assertEquals(before[i], written[i], 0f);
                            } else {
                                float v = q.value(r, c - col0);
                                assertEquals(before[i] + v, added[i], 1e-6);
                                assertEquals(v, written[i], 0f);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void nonFiniteGradientsAndBadBlocksAreRejected() {
        for (boolean vector : new boolean[]{false, true}) {
            CpuQuantize ops = new CpuQuantize(vector);
            Tensor g = Tensor.zeros(3, 40);
            g.set(Float.NaN, 1, 17);
            for (QuantizationAxis axis : QuantizationAxis.values()) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ops.quantize(g, null, 0, 40, axis));
                assertTrue(e.getMessage().contains("NaN"), e.getMessage());
            }
            Tensor inf = Tensor.zeros(2, 3);
            inf.set(Float.POSITIVE_INFINITY, 0, 0);
            assertThrows(IllegalArgumentException.class, () -> ops.quantize(inf, null, 0, 3, QuantizationAxis.PER_ROW));
            assertThrows(IllegalArgumentException.class, () -> ops.quantize(Tensor.zeros(2, 3), null, 2, 2, QuantizationAxis.PER_ROW));
            assertThrows(IllegalArgumentException.class, () -> ops.quantize(Tensor.zeros(2, 3), Tensor.zeros(3, 2), 0, 3,
                    QuantizationAxis.PER_ROW));
            assertThrows(IllegalArgumentException.class, () -> ops.quantize(Tensor.zeros(6), null, 0, 6, QuantizationAxis.PER_ROW));
        }
    }
}
