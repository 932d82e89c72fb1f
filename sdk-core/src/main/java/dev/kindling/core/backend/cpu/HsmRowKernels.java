package dev.kindling.core.backend.cpu;

import java.lang.foreign.MemorySegment;

/**
 * The fused per-row update of the hierarchical softmax, so a class row is read once per update:
 * {@code g += delta · w; w += step · x} for the backward pass and the SGD step together (scores use
 * {@link CpuKernels#dot}). Vector API implementation where available (with narrower vectors for the tail, since rows
 * such as d = 100 are not a multiple of the vector length), plain Java otherwise.
 */
interface HsmRowKernels {

    /** g[gOff + i] += delta · w[wOff + i]; then w[wOff + i] += step · x[xOff + i], for i &lt; n. */
    void gradAndUpdate(float delta, float step, MemorySegment w, long wOff, MemorySegment x, long xOff, MemorySegment g, long gOff, int n);

    /** The Vector API version when the preferred CPU kernels use it, else the scalar one. */
    static HsmRowKernels matching(CpuKernels kernels) {
        if (kernels.name().startsWith("vector")) {
            try {
                return (HsmRowKernels) Class.forName("dev.kindling.core.backend.cpu.HsmVectorRowKernels").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return new HsmScalarRowKernels();
            }
        }
        return new HsmScalarRowKernels();
    }
}
