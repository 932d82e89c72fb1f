package dev.kindling.core.backend.cpu;

/**
 * The inner loops of the FFT convolution: radix-2 butterflies applied to whole rows of a split-complex
 * spectrum (so the column FFTs of a 2-d transform run across all columns at once) and the batched
 * complex multiply-accumulate that replaces the spatial convolution in the frequency domain. Two
 * implementations: Vector API and plain Java, picked like {@link CpuKernels}.
 *
 * <p>Spectra are float arrays of planes; plane p holds its real parts at {@code p·planeStride} and its
 * imaginary parts at {@code p·planeStride + planeStride/2}, each {@code freqs} long (a multiple of 16).
 */
interface SpectralKernels {

    /**
     * Decimation-in-time butterfly on rows a and b (n complex values each; real parts at the given
     * offsets of {@code d}, imaginary parts {@code imShift} further):
     * (a, b) ← (a + w·b, a − w·b) with w = wr + i·wi.
     */
    void butterflyDit(float[] d, int a, int b, int imShift, int n, float wr, float wi);

    /** Decimation-in-frequency butterfly: (a, b) ← (a + b, (a − b)·w). */
    void butterflyDif(float[] d, int a, int b, int imShift, int n, float wr, float wi);

    /**
     * For m in [0, mCount), n in [0, nCount), frequencies [f0, f1):
     * C(m, n) = Σ_k opA(A(m, k)) · opB(B(n, k)) (overwritten), where X(i, j) is the plane
     * {@code xBase + i·xI + j·xJ} of its array and op conjugates when the flag is set.
     */
    void complexProducts(int f0, int f1, int mCount, int nCount, int kCount, int planeStride,
                         float[] a, int aBase, int aM, int aK, boolean conjA,
                         float[] b, int bBase, int bN, int bK, boolean conjB,
                         float[] c, int cBase, int cM, int cN);

    /** The Vector API kernels when {@link CpuKernels#preferred()} is vectorized, else the plain ones. */
    static SpectralKernels preferred() {
        return Holder.PREFERRED;
    }

    final class Holder {
        static final SpectralKernels PREFERRED = choose();

        private Holder() {
        }

        private static SpectralKernels choose() {
            if (!CpuKernels.preferred().name().startsWith("vector")) {
                return new ScalarSpectralKernels();
            }
            try {
                return (SpectralKernels) Class.forName("dev.kindling.core.backend.cpu.VectorSpectralKernels")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return new ScalarSpectralKernels();
            }
        }
    }
}
