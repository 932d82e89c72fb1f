package dev.kindling.core.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * HSM row loops on the Vector API; the last n mod L elements go through 8- and 4-lane vectors where they fit and
 * scalars only after that (as {@link VectorKernels}' dot and axpy).
 */
final class HsmVectorRowKernels implements HsmRowKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private static FloatVector load(MemorySegment m, long index) {
        return FloatVector.fromMemorySegment(S, m, index * Float.BYTES, ORDER);
    }

    @Override
    public void gradAndUpdate(float delta, float step, MemorySegment w, long wOff, MemorySegment x, long xOff, MemorySegment g,
                              long gOff, int n) {
        FloatVector vd = FloatVector.broadcast(S, delta), vs = FloatVector.broadcast(S, step);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector wv = load(w, wOff + i);
            wv.fma(vd, load(g, gOff + i)).intoMemorySegment(g, (gOff + i) * Float.BYTES, ORDER);
            load(x, xOff + i).fma(vs, wv).intoMemorySegment(w, (wOff + i) * Float.BYTES, ORDER);
        }
        // The row's tail (d = 100 on 16 lanes leaves 4) in 8- and 4-lane steps rather than scalar accesses.
        if (L > 8 && i + 8 <= n) {
            tailStep(VectorKernels.S8, delta, step, w, wOff + i, x, xOff + i, g, gOff + i);
            i += 8;
        }
        if (L > 4 && i + 4 <= n) {
            tailStep(VectorKernels.S4, delta, step, w, wOff + i, x, xOff + i, g, gOff + i);
            i += 4;
        }
        for (; i < n; i++) {
            float wi = w.getAtIndex(JAVA_FLOAT, wOff + i);
            g.setAtIndex(JAVA_FLOAT, gOff + i, g.getAtIndex(JAVA_FLOAT, gOff + i) + delta * wi);
            w.setAtIndex(JAVA_FLOAT, wOff + i, wi + step * x.getAtIndex(JAVA_FLOAT, xOff + i));
        }
    }

    /** g += delta · w; w += step · x on one vector of species {@code sp} at the given offsets. */
    private static void tailStep(VectorSpecies<Float> sp, float delta, float step, MemorySegment w, long wAt, MemorySegment x, long xAt,
                                 MemorySegment g, long gAt) {
        FloatVector wv = VectorKernels.load(sp, w, wAt);
        wv.fma(FloatVector.broadcast(sp, delta), VectorKernels.load(sp, g, gAt)).intoMemorySegment(g, gAt * Float.BYTES, ORDER);
        VectorKernels.load(sp, x, xAt).fma(FloatVector.broadcast(sp, step), wv).intoMemorySegment(w, wAt * Float.BYTES, ORDER);
    }
}
