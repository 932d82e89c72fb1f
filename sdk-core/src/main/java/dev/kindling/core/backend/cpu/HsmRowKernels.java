package dev.kindling.core.backend.cpu;

import java.lang.foreign.MemorySegment;

/**
 * The per-row inner loops of the hierarchical softmax, fused so a class row is read once per update:
 * a dot product for the score, and {@code g += delta · w; w += step · x} for the backward pass and the
 * SGD step together. Vector API implementation where available (with masked tails, since rows such as
 * d = 100 are not a multiple of the vector length), plain Java otherwise.
 */
interface HsmRowKernels {

    /** Σ w[wOff + i] · x[xOff + i] for i &lt; n. */
    float dot(MemorySegment w, long wOff, MemorySegment x, long xOff, int n);

    /** g[gOff + i] += delta · w[wOff + i]; then w[wOff + i] += step · x[xOff + i], for i &lt; n. */
    void gradAndUpdate(float delta, float step, MemorySegment w, long wOff, MemorySegment x, long xOff, MemorySegment g, long gOff, int n);

    /** The Vector API version when the preferred CPU kernels use it, else the scalar one. */
    static HsmRowKernels matching(CpuKernels kernels) {
        if (kernels.name().startsWith("vector")) {
            try {
                return (HsmRowKernels) Class.forName("dev.kindling.core.backend.cpu.HsmVectorRowKernels").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return new HsmScalarRowKernels(kernels);
            }
        }
        return new HsmScalarRowKernels(kernels);
    }
}
