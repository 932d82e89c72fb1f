package dev.kindling.core.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * 1-bit quantization on the Vector API: a lane-wise compare gives the sign mask, whose {@code toLong()}
 * is the packed bits of L entries at once; masked adds accumulate the two sums; dequantization turns L
 * bits back into a mask and blends the two reconstruction values.
 */
final class VectorQuantizeKernels implements QuantizeKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private static FloatVector load(MemorySegment m, long index) {
        return FloatVector.fromMemorySegment(S, m, index * Float.BYTES, ORDER);
    }

    private static FloatVector x(MemorySegment g, long gi, MemorySegment res, long ri) {
        FloatVector v = load(g, gi);
        return res == null ? v : v.add(load(res, ri));
    }

    private static float xs(MemorySegment g, long gi, MemorySegment res, long ri) {
        float v = g.getAtIndex(JAVA_FLOAT, gi);
        return res == null ? v : v + res.getAtIndex(JAVA_FLOAT, ri);
    }

    @Override
    public boolean quantizeRows(MemorySegment g, long gOff, MemorySegment res, long rOff, int ld, int rows, int cols,
                                int[] bits, float[] pos, float[] neg) {
        FloatVector zero = FloatVector.zero(S);
        for (int r = 0; r < rows; r++) {
            long gr = gOff + (long) r * ld, rr = rOff + (long) r * ld;
            FloatVector psum = zero, nsum = zero;
            int pc = 0, c = 0;
            for (; c + L <= cols; c += L) {
                FloatVector x = x(g, gr + c, res, rr + c);
                VectorMask<Float> m = x.compare(VectorOperators.GE, 0f);
                psum = psum.add(x, m);
                nsum = nsum.add(x, m.not());
                pc += m.trueCount();
            }
            double ps = psum.reduceLanes(VectorOperators.ADD), ns = nsum.reduceLanes(VectorOperators.ADD);
            for (; c < cols; c++) {
                float x = xs(g, gr + c, res, rr + c);
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
            FloatVector pv = FloatVector.broadcast(S, p), nv = FloatVector.broadcast(S, n);
            long base = (long) r * cols;
            c = 0;
            for (; c + L <= cols; c += L) {
                FloatVector x = x(g, gr + c, res, rr + c);
                VectorMask<Float> m = x.compare(VectorOperators.GE, 0f);
                QuantizeKernels.putBits(bits, base + c, m.toLong(), L);
                if (res != null) {
                    x.sub(nv.blend(pv, m)).intoMemorySegment(res, (rr + c) * Float.BYTES, ORDER);
                }
            }
            for (; c < cols; c++) {
                QuantizeKernels.encode(xs(g, gr + c, res, rr + c), bits, base + c, res, rr + c, p, n);
            }
        }
        return true;
    }

    @Override
    public boolean quantizeColumns(MemorySegment g, long gOff, MemorySegment res, long rOff, int ld, int rows, int cols,
                                   int[] bits, float[] pos, float[] neg) {
        float[] ps = new float[cols], ns = new float[cols], pc = new float[cols];
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int r = 0; r < rows; r++) {
            long gr = gOff + (long) r * ld, rr = rOff + (long) r * ld;
            int c = 0;
            for (; c + L <= cols; c += L) {
                FloatVector x = x(g, gr + c, res, rr + c);
                VectorMask<Float> m = x.compare(VectorOperators.GE, 0f);
                FloatVector.fromArray(S, ps, c).add(x, m).intoArray(ps, c);
                FloatVector.fromArray(S, ns, c).add(x, m.not()).intoArray(ns, c);
                FloatVector.fromArray(S, pc, c).add(one, m).intoArray(pc, c);
            }
            for (; c < cols; c++) {
                float x = xs(g, gr + c, res, rr + c);
                if (x >= 0) {
                    ps[c] += x;
                    pc[c]++;
                } else {
                    ns[c] += x;
                }
            }
        }
        for (int c = 0; c < cols; c++) {
            pos[c] = QuantizeKernels.mean(ps[c], (long) pc[c]);
            neg[c] = QuantizeKernels.mean(ns[c], rows - (long) pc[c]);
            if (!Float.isFinite(pos[c]) || !Float.isFinite(neg[c])) {
                return false;
            }
        }
        for (int r = 0; r < rows; r++) {
            long gr = gOff + (long) r * ld, rr = rOff + (long) r * ld, base = (long) r * cols;
            int c = 0;
            for (; c + L <= cols; c += L) {
                FloatVector x = x(g, gr + c, res, rr + c);
                VectorMask<Float> m = x.compare(VectorOperators.GE, 0f);
                QuantizeKernels.putBits(bits, base + c, m.toLong(), L);
                if (res != null) {
                    FloatVector recon = FloatVector.fromArray(S, neg, c).blend(FloatVector.fromArray(S, pos, c), m);
                    x.sub(recon).intoMemorySegment(res, (rr + c) * Float.BYTES, ORDER);
                }
            }
            for (; c < cols; c++) {
                QuantizeKernels.encode(xs(g, gr + c, res, rr + c), bits, base + c, res, rr + c, pos[c], neg[c]);
            }
        }
        return true;
    }

    @Override
    public void dequantizeRows(int[] bits, float[] pos, float[] neg, MemorySegment out, long oOff, int ld, int rows, int cols,
                               boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            long o = oOff + (long) r * ld, base = (long) r * cols;
            FloatVector pv = FloatVector.broadcast(S, pos[r]), nv = FloatVector.broadcast(S, neg[r]);
            int c = 0;
            for (; c + L <= cols; c += L) {
                VectorMask<Float> m = VectorMask.fromLong(S, QuantizeKernels.getBits(bits, base + c, L));
                FloatVector v = nv.blend(pv, m);
                if (accumulate) {
                    v = v.add(load(out, o + c));
                }
                v.intoMemorySegment(out, (o + c) * Float.BYTES, ORDER);
            }
            for (; c < cols; c++) {
                float v = QuantizeKernels.bit(bits, base + c) ? pos[r] : neg[r];
                out.setAtIndex(JAVA_FLOAT, o + c, accumulate ? out.getAtIndex(JAVA_FLOAT, o + c) + v : v);
            }
        }
    }

    @Override
    public void dequantizeColumns(int[] bits, float[] pos, float[] neg, MemorySegment out, long oOff, int ld, int rows, int cols,
                                  boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            long o = oOff + (long) r * ld, base = (long) r * cols;
            int c = 0;
            for (; c + L <= cols; c += L) {
                VectorMask<Float> m = VectorMask.fromLong(S, QuantizeKernels.getBits(bits, base + c, L));
                FloatVector v = FloatVector.fromArray(S, neg, c).blend(FloatVector.fromArray(S, pos, c), m);
                if (accumulate) {
                    v = v.add(load(out, o + c));
                }
                v.intoMemorySegment(out, (o + c) * Float.BYTES, ORDER);
            }
            for (; c < cols; c++) {
                float v = QuantizeKernels.bit(bits, base + c) ? pos[c] : neg[c];
                out.setAtIndex(JAVA_FLOAT, o + c, accumulate ? out.getAtIndex(JAVA_FLOAT, o + c) + v : v);
            }
        }
    }
}
