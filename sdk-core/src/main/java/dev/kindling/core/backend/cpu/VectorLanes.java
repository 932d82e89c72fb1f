package dev.kindling.core.backend.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * Horizontal sums in a fixed lane order. {@code reduceLanes(ADD)} leaves the order open, and the JIT's
 * intrinsic and the interpreter's fallback do differ, so the same input could give results differing in
 * the last bit before and after compilation; inference must not depend on JIT timing.
 */
final class VectorLanes {

    private VectorLanes() {
    }

    static float sum(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < v.length(); i++) {
            s += v.lane(i);
        }
        return s;
    }
}
