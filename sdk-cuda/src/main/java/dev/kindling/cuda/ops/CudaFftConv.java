package dev.kindling.cuda.ops;

import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.backend.FftConvArguments;
import dev.kindling.core.backend.FftConvWorkspace;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.bindings.Cufft;
import dev.kindling.cuda.runtime.CudaDevice;
import dev.kindling.cuda.runtime.CudaDriver;
import dev.kindling.cuda.runtime.KernelArgs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static dev.kindling.cuda.runtime.CudaStorage.address;
import static dev.kindling.cuda.runtime.CudaStorage.addressOrNull;

/**
 * Stride-1 spatial convolution in the frequency domain on the GPU, all three passes, with the same
 * formulas as the CPU's {@code CpuFftConv}:
 * <pre>
 *   output(b, o)      = IFFT( Σ_c X(b, c) · conj W(o, c) )   cropped to the valid window, + bias
 *   gradInput(b, c)   = IFFT( Σ_o G(b, o) · W(o, c) )         cropped at the padding offset
 *   gradWeight(o, c) += IFFT( Σ_b conj G(b, o) · X(b, c) )    cropped to kH × kW
 * </pre>
 * Each step is one batched call over all planes:
 * <ol>
 *   <li>{@code fft_pad_planes} writes the zero-padded rows × cols planes (cuFFT reads dense arrays only;
 *       its load callbacks would need the static cuFFT, which Java cannot link);</li>
 *   <li>cuFFT R2C writes the half spectra in [freq][plane] layout, directly through its advanced layout
 *       (output stride = planes, distance 1; {@link Layout#STRIDED}) or in its natural [plane][freq]
 *       layout followed by a tiled transpose ({@link Layout#TRANSPOSED});</li>
 *   <li>{@code cublasCgemmStridedBatched} does the per-frequency complex GEMM, one matrix per frequency:
 *       in [freq][plane] layout each frequency's [B][C] block is an ordinary row-major matrix with unit
 *       element stride, which is what cuBLAS needs, and conjugation is its OP_C for free. cuBLAS is tuned
 *       per architecture; our own kernel would have to beat it (fbfft wrote its own to avoid the
 *       transposes, which the strided cuFFT layout avoids too);</li>
 *   <li>cuFFT C2R back to real planes, then {@code fft_crop_planes} crops, normalizes by 1/(rows·cols)
 *       and adds the bias (or accumulates into gradWeight) in one pass.</li>
 * </ol>
 * Row-major [B][C] per frequency is column-major C × B with leading dimension C, so the three GEMMs are
 * (column-major, m × n × k): output O × B × C = W^H · X^T; gradInput C × B × O = W^T · G^T; gradWeight
 * C × O × B = X^T · conj(G) (the arguments are in {@link FftConvPass}, checked on the CPU by FftConvPassTest).
 *
 * <p>Through a {@link CudaFftWorkspace} (one per module, see {@link FftConvWorkspace}), forward keeps the
 * input and weight spectra on the device and backward transforms only gradOutput: 6 batched transforms
 * per training step instead of 8. cuFFT plans, the cuBLAS handle and scratch buffers are per device and
 * cached by shape until {@link #close()}. Every call enqueues its work on the device's stream while
 * holding the device's lock, so concurrent callers (eval-mode inference) share the scratch buffers safely.
 *
 * <p>Public, with the explicit constructor, {@code forward} and {@code newWorkspace}, for the GPU benchmark
 * in {@code benchmarks/}, which compares the layouts and the two complex GEMMs.
 */
public final class CudaFftConv implements AutoCloseable {

    /** How the spectra get into the [freq][plane] layout the GEMMs need. */
    public enum Layout {
        /** cuFFT's advanced layout writes (and reads) [freq][plane] directly. */
        STRIDED,
        /** cuFFT in its natural [plane][freq] layout, plus a transpose kernel each way. */
        TRANSPOSED;

        static Layout fromProperty() {
            String v = System.getProperty("kindling.cuda.fft-layout", "strided");
            try {
                return valueOf(v.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("-Dkindling.cuda.fft-layout must be strided or transposed, got '" + v + "'");
            }
        }
    }

    private static final int BLOCK = 256;

    private final Layout layout;
    private final boolean threeM;
    private final Map<CudaDevice, CudaFftResources> resources = new ConcurrentHashMap<>();

    /** Layout from {@code -Dkindling.cuda.fft-layout=strided|transposed}, GEMM from {@code -Dkindling.cuda.fft-cgemm3m=true}. */
    CudaFftConv() {
        this(Layout.fromProperty(), Boolean.getBoolean("kindling.cuda.fft-cgemm3m"));
    }

    /** {@code threeM}: use cuBLAS's Gauss (3-multiplication) complex GEMM, a quarter fewer flops. */
    public CudaFftConv(Layout layout, boolean threeM) {
        this.layout = java.util.Objects.requireNonNull(layout, "layout");
        this.threeM = threeM;
    }

    Layout layout() {
        return layout;
    }

    public void forward(Tensor input, Tensor weight, Tensor bias, ConvGeometry g, Tensor output) {
        forward(input, weight, bias, g, output, null);
    }

    void backward(Tensor input, Tensor weight, Tensor gradOutput, ConvGeometry g,
                  Tensor gradInput, Tensor gradWeight, Tensor gradBias) {
        backward(input, weight, gradOutput, g, gradInput, gradWeight, gradBias, null);
    }

    public FftConvWorkspace newWorkspace() {
        return new CudaFftWorkspace(this);
    }

    private CudaFftResources resources(CudaDevice d) {
        CudaFftResources r = resources.get(d);
        if (r == null) {
            // Inside the device's scope: the handles are made in its context.
            r = new CudaFftResources(d, Cufft.get(), CudaDriver.probe().cublas());
            resources.put(d, r);
        }
        return r;
    }

    /** Forward; with a workspace ({@code kept} non-null) the input and weight spectra stay in it for backward. */
    void forward(Tensor input, Tensor weight, Tensor bias, ConvGeometry g, Tensor output, CudaFftWorkspace kept) {
        FftConvArguments.checkForward(input, weight, bias, g, output);
        CudaDevice d = CudaDevice.of(input);
        FftConvShape s = FftConvShape.of(input, weight, g);
        try (CudaDevice.Scope scope = d.enter()) {
            CudaFftResources r = resources(d);
            long xBytes = s.spectrumBytes(s.inputPlanes()), wBytes = s.spectrumBytes(s.weightPlanes());
            long x = kept != null ? kept.inputSpectra(d, xBytes) : r.scratch(CudaFftResources.Slot.INPUT, xBytes);
            long w = kept != null ? kept.weightSpectra(d, wBytes) : r.scratch(CudaFftResources.Slot.WEIGHT, wBytes);
            transform(r, s, address(input), s.inputPlanes(), s.height(), s.width(), g.padH(), g.padW(), x, "input");
            transform(r, s, address(weight), s.weightPlanes(), g.kH(), g.kW(), 0, 0, w, "weight");
            run(r, s, FftConvPass.output(s), x, w, 0, bias, address(output));
            if (kept != null) {
                kept.keep(input, weight, g, s);
                kept.counted(3);
            }
        }
    }

    /**
     * Both backward passes from one gradOutput transform. With a workspace, the spectra it kept from forward
     * are used when they came from these tensors (and recomputed when not), then dropped.
     */
    void backward(Tensor input, Tensor weight, Tensor gradOutput, ConvGeometry g,
                  Tensor gradInput, Tensor gradWeight, Tensor gradBias, CudaFftWorkspace kept) {
        FftConvArguments.checkBackward(input, weight, gradOutput, g, gradInput, gradWeight, gradBias);
        CudaDevice d = CudaDevice.of(input);
        FftConvShape s = FftConvShape.of(input, weight, g);
        int transforms = 0;
        try (CudaDevice.Scope scope = d.enter()) {
            CudaFftResources r = resources(d);
            if (gradInput != null || gradWeight != null) {
                long gs = r.scratch(CudaFftResources.Slot.GRAD_OUTPUT, s.spectrumBytes(s.outputPlanes()));
                transform(r, s, address(gradOutput), s.outputPlanes(), s.outHeight(), s.outWidth(), 0, 0, gs, "gradOutput");
                transforms++;
                if (gradInput != null) {
                    long w;
                    if (kept != null && kept.holdsWeight(weight, s)) {
                        w = kept.keptWeight();
                    } else {
                        w = r.scratch(CudaFftResources.Slot.WEIGHT, s.spectrumBytes(s.weightPlanes()));
                        transform(r, s, address(weight), s.weightPlanes(), g.kH(), g.kW(), 0, 0, w, "weight");
                        transforms++;
                    }
                    run(r, s, FftConvPass.gradInput(s), 0, w, gs, null, address(gradInput));
                    transforms++;
                }
                if (gradWeight != null) {
                    long x;
                    if (kept != null && kept.holdsInput(input, g, s)) {
                        x = kept.keptInput();
                    } else {
                        x = r.scratch(CudaFftResources.Slot.INPUT, s.spectrumBytes(s.inputPlanes()));
                        transform(r, s, address(input), s.inputPlanes(), s.height(), s.width(), g.padH(), g.padW(), x, "input");
                        transforms++;
                    }
                    run(r, s, FftConvPass.gradWeight(s), x, 0, gs, null, address(gradWeight));
                    transforms++;
                }
            }
            if (gradBias != null) {
                d.launch(d.kernel("fftconv", "fft_bias_grad"), Math.min(s.outPlanes(), 65535), BLOCK,
                        KernelArgs.of().ptr(address(gradOutput)).i(s.batch()).i(s.outPlanes()).l((long) s.outHeight() * s.outWidth()).ptr(address(gradBias)));
            }
        } finally {
            if (kept != null) {
                kept.forget();
                kept.counted(transforms);
            }
        }
    }

    /** Pads {@code planes} rows × cols planes at {@code src} into the transform grid and writes their spectra [freq][plane]. */
    private void transform(CudaFftResources r, FftConvShape s, long src, long planes, int rows, int cols, int top, int left,
                           long spectrum, String what) {
        CudaDevice d = r.device();
        long real = r.scratch(CudaFftResources.Slot.REAL, s.realBytes(planes));
        long gridRows = planes * s.rows();
        d.launch(d.kernel("fftconv", "fft_pad_planes"), d.grid(gridRows * 32, BLOCK), BLOCK,
                KernelArgs.of().ptr(src).l(planes).i(rows).i(cols).i(top).i(left).ptr(real).i(s.rows()).i(s.cols()));
        r.forward(s, real, planes, spectrum, layout == Layout.STRIDED, what);
    }

    /**
     * One pass: the per-frequency GEMM of two spectra (addresses by {@link FftConvPass.Spectrum}) into the
     * products buffer, its inverse transform (destroying the products), and the crop of the pass's window,
     * normalized by 1/(rows·cols), plus the bias for the output pass, written (or added) to {@code dst}.
     */
    private void run(CudaFftResources r, FftConvShape s, FftConvPass pass, long x, long w, long g, Tensor bias, long dst) {
        CudaDevice d = r.device();
        long p = r.scratch(CudaFftResources.Slot.PRODUCTS, s.spectrumBytes(pass.resultPlanes()));
        r.gemm(threeM, pass.opA(), pass.opB(), pass.m(), pass.n(), pass.k(), pick(pass.a(), x, w, g), pass.lda(), pass.strideA(),
                pick(pass.b(), x, w, g), pass.ldb(), pass.strideB(), p, pass.ldc(), pass.resultPlanes(), s.freqs(), pass.name());
        long real = r.scratch(CudaFftResources.Slot.REAL, s.realBytes(pass.resultPlanes()));
        r.inverse(s, p, pass.resultPlanes(), real, layout == Layout.STRIDED, pass.name());
        float scale = (float) (1.0 / ((double) s.rows() * s.cols()));
        long biasAddress = pass.bias() ? addressOrNull(bias) : 0;
        d.launch(d.kernel("fftconv", "fft_crop_planes"), d.grid(pass.resultPlanes() * pass.nr() * 32, BLOCK), BLOCK,
                KernelArgs.of().ptr(real).i(s.rows()).i(s.cols()).l(pass.resultPlanes()).i(pass.r0()).i(pass.nr()).i(pass.c0()).i(pass.nc())
                        .f(scale).ptr(biasAddress).i(s.outPlanes()).i(pass.accumulate()).ptr(dst));
    }

    private static long pick(FftConvPass.Spectrum which, long x, long w, long g) {
        long a = switch (which) {
            case INPUT -> x;
            case WEIGHT -> w;
            case GRAD_OUTPUT -> g;
        };
        if (a == 0) {
            throw new IllegalStateException("the " + which + " spectra were not computed for this pass");
        }
        return a;
    }

    /** Cached cuFFT plans on {@code d} (for tests). */
    int cachedPlans(CudaDevice d) {
        CudaFftResources r = resources.get(d);
        return r == null ? 0 : r.cachedPlans();
    }

    /** Destroys every device's plans and cuBLAS handle and hands the scratch buffers back. */
    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (CudaFftResources r : resources.values()) {
            try (CudaDevice.Scope scope = r.device().enter()) {
                r.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        resources.clear();
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }
}
