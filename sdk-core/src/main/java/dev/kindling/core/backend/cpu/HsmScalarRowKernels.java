package dev.kindling.core.backend.cpu;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/** Plain Java HSM row loops (always available). */
final class HsmScalarRowKernels implements HsmRowKernels {

    @Override
    public void gradAndUpdate(float delta, float step, MemorySegment w, long wOff, MemorySegment x, long xOff, MemorySegment g,
                              long gOff, int n) {
        for (int i = 0; i < n; i++) {
            float wi = w.getAtIndex(JAVA_FLOAT, wOff + i);
            g.setAtIndex(JAVA_FLOAT, gOff + i, g.getAtIndex(JAVA_FLOAT, gOff + i) + delta * wi);
            w.setAtIndex(JAVA_FLOAT, wOff + i, wi + step * x.getAtIndex(JAVA_FLOAT, xOff + i));
        }
    }
}
