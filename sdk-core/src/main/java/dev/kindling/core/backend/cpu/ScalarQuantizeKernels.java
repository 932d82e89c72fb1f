package dev.kindling.core.backend.cpu;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/** Plain-Java 1-bit quantization, with sums in double precision. */
final class ScalarQuantizeKernels implements QuantizeKernels {

    @Override
    public boolean quantizeRows(MemorySegment g, long gOff, MemorySegment res, long rOff, int ld, int rows, int cols,
                                int[] bits, float[] pos, float[] neg) {
        for (int r = 0; r < rows; r++) {
            long gr = gOff + (long) r * ld, rr = rOff + (long) r * ld;
            double ps = 0, ns = 0;
            int pc = 0;
            for (int c = 0; c < cols; c++) {
                float x = x(g, gr + c, res, rr + c);
                if (x >= 0) {
                    ps += x;
                    pc++;
                } else {
                    ns += x;
                }
            }
            float p = QuantizeKernels.mean(ps, pc), n = QuantizeKernels.mean(ns, cols - pc);
            if (!Float.isFinite(p) || !Float.isFinite(n)) {
                return false;
            }
            pos[r] = p;
            neg[r] = n;
            long base = (long) r * cols;
            for (int c = 0; c < cols; c++) {
                QuantizeKernels.encode(x(g, gr + c, res, rr + c), bits, base + c, res, rr + c, p, n);
            }
        }
        return true;
    }

    @Override
    public boolean quantizeColumns(MemorySegment g, long gOff, MemorySegment res, long rOff, int ld, int rows, int cols,
                                   int[] bits, float[] pos, float[] neg) {
        double[] ps = new double[cols], ns = new double[cols];
        int[] pc = new int[cols];
        for (int r = 0; r < rows; r++) {
            long gr = gOff + (long) r * ld, rr = rOff + (long) r * ld;
            for (int c = 0; c < cols; c++) {
                float x = x(g, gr + c, res, rr + c);
                if (x >= 0) {
                    ps[c] += x;
                    pc[c]++;
                } else {
                    ns[c] += x;
                }
            }
        }
        for (int c = 0; c < cols; c++) {
            pos[c] = QuantizeKernels.mean(ps[c], pc[c]);
            neg[c] = QuantizeKernels.mean(ns[c], rows - pc[c]);
            if (!Float.isFinite(pos[c]) || !Float.isFinite(neg[c])) {
                return false;
            }
        }
        for (int r = 0; r < rows; r++) {
            long gr = gOff + (long) r * ld, rr = rOff + (long) r * ld, base = (long) r * cols;
            for (int c = 0; c < cols; c++) {
                QuantizeKernels.encode(x(g, gr + c, res, rr + c), bits, base + c, res, rr + c, pos[c], neg[c]);
            }
        }
        return true;
    }

    @Override
    public void dequantizeRows(int[] bits, float[] pos, float[] neg, MemorySegment out, long oOff, int ld, int rows, int cols,
                               boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            long o = oOff + (long) r * ld, base = (long) r * cols;
            for (int c = 0; c < cols; c++) {
                store(out, o + c, QuantizeKernels.bit(bits, base + c) ? pos[r] : neg[r], accumulate);
            }
        }
    }

    @Override
    public void dequantizeColumns(int[] bits, float[] pos, float[] neg, MemorySegment out, long oOff, int ld, int rows, int cols,
                                  boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            long o = oOff + (long) r * ld, base = (long) r * cols;
            for (int c = 0; c < cols; c++) {
                store(out, o + c, QuantizeKernels.bit(bits, base + c) ? pos[c] : neg[c], accumulate);
            }
        }
    }

    private static float x(MemorySegment g, long gi, MemorySegment res, long ri) {
        float v = g.getAtIndex(JAVA_FLOAT, gi);
        return res == null ? v : v + res.getAtIndex(JAVA_FLOAT, ri);
    }

    private static void store(MemorySegment out, long i, float v, boolean accumulate) {
        out.setAtIndex(JAVA_FLOAT, i, accumulate ? out.getAtIndex(JAVA_FLOAT, i) + v : v);
    }
}
