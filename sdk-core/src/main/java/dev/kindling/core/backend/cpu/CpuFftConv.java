package dev.kindling.core.backend.cpu;

import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.backend.FftConvWorkspace;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Stride-1 spatial convolution in the frequency domain, all three passes:
 * <pre>
 *   output(b, o)     = IFFT( Σ_c X(b, c) · conj W(o, c) )          cropped to the valid window
 *   gradInput(b, c)  = IFFT( Σ_o G(b, o) · W(o, c) )                cropped at the padding offset
 *   gradWeight(o, c) += IFFT( Σ_b conj G(b, o) · X(b, c) )          cropped to kH × kW
 * </pre>
 * X, W and G are the 2-d real FFTs of the zero-padded input, weight and gradOutput planes on a grid of
 * power-of-two size covering the padded input, which is large enough that no circular wrap-around
 * reaches a kept element in any of the three passes. Each Σ is a complex GEMM per frequency; all
 * frequencies are done together by {@link SpectralKernels#complexProducts}, vectorized across
 * frequencies. Spectrum buffers come from a pool keyed by shape and are reused across calls.
 *
 * <p>Called through a {@link CpuFftWorkspace}, forward leaves the input and weight spectra in the
 * workspace and backward reuses them, so a training step runs 6 batched transforms instead of 8.
 */
final class CpuFftConv {

    /** Frequencies per parallel task of the complex products (a multiple of every vector length). */
    private static final int FREQ_CHUNK = 64;

    private final SpectralKernels kernels;
    private final Map<Long, RealFft2d> plans = new ConcurrentHashMap<>();
    private final Map<Long, ConcurrentLinkedDeque<Buffers>> pool = new ConcurrentHashMap<>();

    CpuFftConv(SpectralKernels kernels) {
        this.kernels = kernels;
    }

    /** Pooled spectrum buffers for one call: input, weight, gradOutput and products. */
    private static final class Buffers {
        float[] x = new float[0], w = new float[0], g = new float[0], p = new float[0];

        static float[] ensure(float[] a, long n) {
            return a.length >= n ? a : new float[Math.toIntExact(n)];
        }
    }

    private RealFft2d plan(Tensor input, ConvGeometry g) {
        int sh = RealFft2d.sizeFor(input.size(2) + 2 * g.padH(), 1);
        int sw = RealFft2d.sizeFor(input.size(3) + 2 * g.padW(), 2);
        return plans.computeIfAbsent(((long) sh << 32) | sw, k -> new RealFft2d(sh, sw, kernels));
    }

    private Buffers acquire(RealFft2d plan) {
        ConcurrentLinkedDeque<Buffers> q = pool.get(key(plan));
        Buffers buf = q == null ? null : q.pollFirst();
        return buf != null ? buf : new Buffers();
    }

    private void release(RealFft2d plan, Buffers buf) {
        ConcurrentLinkedDeque<Buffers> q = pool.computeIfAbsent(key(plan), k -> new ConcurrentLinkedDeque<>());
        // Keep no more idle buffer sets than threads that could use them at once.
        if (q.size() < Math.max(1, ForkJoinPool.getCommonPoolParallelism())) {
            q.offerFirst(buf);
        }
    }

    private static long key(RealFft2d plan) {
        return ((long) plan.height() << 32) | plan.width();
    }

    void forward(Tensor input, Tensor weight, Tensor bias, ConvGeometry g, Tensor output) {
        forward(input, weight, bias, g, output, null);
    }

    void backward(Tensor input, Tensor weight, Tensor gradOutput, ConvGeometry g,
                  Tensor gradInput, Tensor gradWeight, Tensor gradBias) {
        backward(input, weight, gradOutput, g, gradInput, gradWeight, gradBias, null);
    }

    FftConvWorkspace newWorkspace() {
        return new CpuFftWorkspace(this);
    }

    /** Forward; with a workspace ({@code kept} non-null) the input and weight spectra are left in it for backward. */
    void forward(Tensor input, Tensor weight, Tensor bias, ConvGeometry g, Tensor output, CpuFftWorkspace kept) {
        int batch = input.size(0), ch = input.size(1), nOut = weight.size(0);
        RealFft2d plan = plan(input, g);
        int ps = plan.planeStride();
        Buffers buf = acquire(plan);
        try {
            long xn = (long) batch * ch * ps, wn = (long) nOut * ch * ps;
            float[] x = kept != null ? kept.inputSpectra(xn) : (buf.x = Buffers.ensure(buf.x, xn));
            float[] w = kept != null ? kept.weightSpectra(wn) : (buf.w = Buffers.ensure(buf.w, wn));
            buf.p = Buffers.ensure(buf.p, (long) batch * nOut * ps);
            transformInput(plan, input, g, x);
            transformPlanes(plan, weight, w);
            products(plan, batch, nOut, ch, x, 0, ch, 1, false, w, 0, ch, 1, true, buf.p, nOut, 1);
            int oh = output.size(2), ow = output.size(3);
            invert(plan, buf.p, batch * nOut, 0, oh, 0, ow, output, false);
            if (bias != null) {
                addBias(output, bias);
            }
            if (kept != null) {
                kept.keep(input, weight, g, plan);
                kept.counted(3);
            }
        } finally {
            release(plan, buf);
        }
    }

    /**
     * Both backward passes from one gradOutput transform. With a workspace, the input and weight spectra it
     * kept from forward are used when they came from these tensors (and recomputed when not), then dropped.
     */
    void backward(Tensor input, Tensor weight, Tensor gradOutput, ConvGeometry g,
                  Tensor gradInput, Tensor gradWeight, Tensor gradBias, CpuFftWorkspace kept) {
        int batch = input.size(0), ch = input.size(1), h = input.size(2), w = input.size(3), nOut = weight.size(0);
        RealFft2d plan = plan(input, g);
        int ps = plan.planeStride();
        Buffers buf = acquire(plan);
        int transforms = 0;
        try {
            buf.g = Buffers.ensure(buf.g, (long) batch * nOut * ps);
            transformPlanes(plan, gradOutput, buf.g);
            transforms++;
            if (gradInput != null) {
                float[] wSpec;
                if (kept != null && kept.holdsWeight(weight, plan)) {
                    wSpec = kept.keptWeight();
                } else {
                    wSpec = buf.w = Buffers.ensure(buf.w, (long) nOut * ch * ps);
                    transformPlanes(plan, weight, wSpec);
                    transforms++;
                }
                buf.p = Buffers.ensure(buf.p, (long) batch * ch * ps);
                // Σ_o G(b, o) · W(o, c): m = b, n = c, k = o.
                products(plan, batch, ch, nOut, buf.g, 0, nOut, 1, false, wSpec, 0, 1, ch, false, buf.p, ch, 1);
                invert(plan, buf.p, batch * ch, g.padH(), h, g.padW(), w, gradInput, false);
                transforms++;
            }
            if (gradWeight != null) {
                float[] xSpec;
                if (kept != null && kept.holdsInput(input, g, plan)) {
                    xSpec = kept.keptInput();
                } else {
                    xSpec = buf.x = Buffers.ensure(buf.x, (long) batch * ch * ps);
                    transformInput(plan, input, g, xSpec);
                    transforms++;
                }
                buf.p = Buffers.ensure(buf.p, (long) nOut * ch * ps);
                // Σ_b conj G(b, o) · X(b, c): m = o, n = c, k = b.
                products(plan, nOut, ch, batch, buf.g, 0, 1, nOut, true, xSpec, 0, 1, ch, false, buf.p, ch, 1);
                invert(plan, buf.p, nOut * ch, 0, g.kH(), 0, g.kW(), gradWeight, true);
                transforms++;
            }
        } finally {
            release(plan, buf);
            if (kept != null) {
                kept.forget();
                kept.counted(transforms);
            }
        }
        if (gradBias != null) {
            CpuConv.addBiasGradient(gradOutput, gradBias);
        }
    }

    /** Transforms every [rows, cols] plane of a [n0, n1, rows, cols] tensor, placed at the top-left corner. */
    private void transformPlanes(RealFft2d plan, Tensor t, float[] spec) {
        int planes = t.size(0) * t.size(1), rows = t.size(2), cols = t.size(3);
        transform(plan, t, planes, rows, cols, 0, 0, spec);
    }

    private void transformInput(RealFft2d plan, Tensor input, ConvGeometry g, float[] spec) {
        transform(plan, input, input.size(0) * input.size(1), input.size(2), input.size(3), g.padH(), g.padW(), spec);
    }

    private static void transform(RealFft2d plan, Tensor t, int planes, int rows, int cols, int top, int left, float[] spec) {
        MemorySegment s = t.segment();
        int ps = plan.planeStride();
        long area = (long) rows * cols;
        parallel(planes).forEach(p -> plan.forward(s, t.offset() + p * area, rows, cols, top, left, spec, p * ps, new RealFft2d.Scratch(plan)));
    }

    private static void invert(RealFft2d plan, float[] spec, int planes, int r0, int nr, int c0, int nc, Tensor dst, boolean accumulate) {
        MemorySegment s = dst.segment();
        int ps = plan.planeStride();
        float scale = plan.inverseScale();
        long area = (long) nr * nc;
        parallel(planes).forEach(p -> plan.inverse(spec, p * ps, r0, nr, c0, nc, scale, s, dst.offset() + p * area, accumulate,
                new RealFft2d.Scratch(plan)));
    }

    private void products(RealFft2d plan, int mCount, int nCount, int kCount,
                          float[] a, int aBase, int aM, int aK, boolean conjA,
                          float[] b, int bBase, int bN, int bK, boolean conjB,
                          float[] c, int cM, int cN) {
        int freqs = plan.freqs(), ps = plan.planeStride();
        int chunks = (freqs + FREQ_CHUNK - 1) / FREQ_CHUNK;
        parallel(chunks).forEach(t -> kernels.complexProducts(t * FREQ_CHUNK, Math.min(freqs, (t + 1) * FREQ_CHUNK),
                mCount, nCount, kCount, ps, a, aBase, aM, aK, conjA, b, bBase, bN, bK, conjB, c, 0, cM, cN));
    }

    private static void addBias(Tensor output, Tensor bias) {
        int batch = output.size(0), nOut = output.size(1);
        int plane = output.size(2) * output.size(3);
        MemorySegment y = output.segment();
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < nOut; o++) {
                float bv = bias.getFlat(o);
                long base = output.offset() + ((long) b * nOut + o) * plane;
                for (int q = 0; q < plane; q++) {
                    y.setAtIndex(JAVA_FLOAT, base + q, y.getAtIndex(JAVA_FLOAT, base + q) + bv);
                }
            }
        }
    }

    private static IntStream parallel(int n) {
        IntStream s = IntStream.range(0, n);
        return n > 1 ? s.parallel() : s;
    }
}
