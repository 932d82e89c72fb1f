package dev.kindling.core.backend.cpu;

import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.backend.FftConvWorkspace;
import dev.kindling.core.backend.KeptSpectra;
import dev.kindling.core.tensor.Tensor;

/**
 * A module's FFT convolution state on the CPU: the input and weight spectra of its last training
 * forward, with the identities of the tensors and the plan they came from. The transient buffers
 * (gradOutput spectra, products) stay in {@link CpuFftConv}'s pool, shared with the stateless calls.
 * Methods are synchronized: a workspace serves one training step at a time.
 */
final class CpuFftWorkspace implements FftConvWorkspace {

    private final CpuFftConv fft;
    private float[] x = new float[0];
    private float[] w = new float[0];
    private final KeptSpectra<RealFft2d> kept = new KeptSpectra<>();

    CpuFftWorkspace(CpuFftConv fft) {
        this.fft = fft;
    }

    @Override
    public synchronized void forward(Tensor input, Tensor weight, Tensor bias, ConvGeometry g, Tensor output) {
        fft.forward(input, weight, bias, g, output, this);
    }

    @Override
    public synchronized void backward(Tensor input, Tensor weight, Tensor gradOutput, ConvGeometry g,
                                      Tensor gradInput, Tensor gradWeight, Tensor gradBias) {
        fft.backward(input, weight, gradOutput, g, gradInput, gradWeight, gradBias, this);
    }

    @Override
    public synchronized long transforms() {
        return kept.transforms();
    }

    @Override
    public synchronized void close() {
        forget();
        x = new float[0];
        w = new float[0];
    }

    // ---- used by CpuFftConv, under this workspace's lock ----

    void counted(int batchedTransforms) {
        kept.counted(batchedTransforms);
    }

    /** The buffer for input spectra, at least {@code n} floats (its contents are no longer kept). */
    float[] inputSpectra(long n) {
        kept.dropInput();
        x = x.length >= n ? x : new float[Math.toIntExact(n)];
        return x;
    }

    float[] weightSpectra(long n) {
        kept.dropWeight();
        w = w.length >= n ? w : new float[Math.toIntExact(n)];
        return w;
    }

    /** Records that the buffers now hold the spectra of {@code input} (padded by {@code g}) and {@code weight} on {@code p}. */
    void keep(Tensor input, Tensor weight, ConvGeometry g, RealFft2d p) {
        kept.keep(input, weight, g, p);
    }

    boolean holdsInput(Tensor input, ConvGeometry g, RealFft2d p) {
        return kept.holdsInput(input, g, p);
    }

    boolean holdsWeight(Tensor weight, RealFft2d p) {
        return kept.holdsWeight(weight, p::equals);
    }

    void forget() {
        kept.forget();
    }

    float[] keptInput() {
        return x;
    }

    float[] keptWeight() {
        return w;
    }
}
