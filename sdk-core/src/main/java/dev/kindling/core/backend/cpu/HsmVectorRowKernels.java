package dev.kindling.core.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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

    private static FloatVector load(MemorySegment m, long index, VectorMask<Float> mask) {
        return FloatVector.fromMemorySegment(S, m, index * Float.BYTES, ORDER, mask);
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
        if (L > 8 && i + 8 <= n) {
            FloatVector wv = VectorKernels.load(VectorKernels.S8, w, wOff + i);
            wv.fma(FloatVector.broadcast(VectorKernels.S8, delta), VectorKernels.load(VectorKernels.S8, g, gOff + i))
                    .intoMemorySegment(g, (gOff + i) * Float.BYTES, ORDER);
            VectorKernels.load(VectorKernels.S8, x, xOff + i).fma(FloatVector.broadcast(VectorKernels.S8, step), wv)
                    .intoMemorySegment(w, (wOff + i) * Float.BYTES, ORDER);
            i += 8;
        }
        if (L > 4 && i + 4 <= n) {
            FloatVector wv = VectorKernels.load(VectorKernels.S4, w, wOff + i);
            wv.fma(FloatVector.broadcast(VectorKernels.S4, delta), VectorKernels.load(VectorKernels.S4, g, gOff + i))
                    .intoMemorySegment(g, (gOff + i) * Float.BYTES, ORDER);
            VectorKernels.load(VectorKernels.S4, x, xOff + i).fma(FloatVector.broadcast(VectorKernels.S4, step), wv)
                    .intoMemorySegment(w, (wOff + i) * Float.BYTES, ORDER);
            i += 4;
        }
        for (; i < n; i++) {
            float wi = w.getAtIndex(JAVA_FLOAT, wOff + i);
            g.setAtIndex(JAVA_FLOAT, gOff + i, g.getAtIndex(JAVA_FLOAT, gOff + i) + delta * wi);
            w.setAtIndex(JAVA_FLOAT, wOff + i, wi + step * x.getAtIndex(JAVA_FLOAT, xOff + i));
        }
    }
}
