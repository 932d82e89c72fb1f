package dev.kindling.cuda.ops;

import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.backend.ConvOps;
import dev.kindling.core.nn.conv.AutoSpatialConvolution;
import dev.kindling.core.nn.conv.SpatialConvolution;
import dev.kindling.core.nn.conv.TemporalConvolution;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.CudaTestSupport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The direct and temporal convolutions of the CUDA backend against the CPU backend: fresh random inputs,
 * odd and non-square sizes, padding, strides larger and smaller than the kernel, both temporal
 * algorithms, workspaces small enough to force chunking, outputs poisoned with NaN, gradients
 * accumulated onto non-zero values. Relative error at most 1e-4 (float32, different summation orders).
 */
class CudaConvTest extends CudaTestSupport {

    private static final double REL = 1e-4;

    /** ‖e − a‖ / ‖e‖ ≤ 1e-4, every element finite (no poison left) and within 1e-4 of the largest |e|. */
    static void assertMatches(String what, Tensor expected, Tensor actual) {
        assertEquals(expected.numel(), actual.numel(), what + ": element counts");
        float[] e = expected.toArray(), a = actual.toArray();
        double num = 0, den = 0, max = 0;
        for (float v : e) {
            max = Math.max(max, Math.abs(v));
        }
        for (int i = 0; i < e.length; i++) {
            if (!Float.isFinite(a[i])) {
                fail(what + ": element " + i + " is " + a[i] + " (expected " + e[i] + "): a kernel skipped it or read garbage");
            }
            double d = (double) e[i] - a[i];
            if (Math.abs(d) > REL * max + 1e-6) {
                fail(what + ": element " + i + " expected " + e[i] + " but was " + a[i] + " (largest |expected| " + max + ")");
            }
            num += d * d;
            den += (double) e[i] * e[i];
        }
        double rel = Math.sqrt(num / Math.max(den, 1e-30));
        assertTrue(rel <= REL, what + ": relative error " + rel);
    }

    // ---- temporal ------------------------------------------------------------------------------

    record TemporalCase(int batch, int frames, int in, int out, int kW, int dW) {
        int steps() {
            return (frames - kW) / dW + 1;
        }

        @Override
        public String toString() {
            return "B=" + batch + " T=" + frames + " " + in + "->" + out + " kW=" + kW + " dW=" + dW;
        }
    }

    static final List<TemporalCase> TEMPORAL = List.of(
            new TemporalCase(3, 37, 13, 11, 3, 1),
            new TemporalCase(2, 29, 7, 5, 5, 2),
            new TemporalCase(1, 17, 9, 6, 1, 1),
            new TemporalCase(4, 23, 6, 10, 4, 7),   // stride > kernel: frames no window reads get gradient 0
            new TemporalCase(2, 8, 3, 4, 8, 3),     // one window covering the whole sequence
            new TemporalCase(5, 40, 33, 17, 7, 3)); // remainder frames after the last window

    /** The op sets under test: both algorithms, each with a roomy and a one-sequence workspace. */
    private static List<ConvOps> temporalOps() {
        CudaConv base = (CudaConv) cuda().conv();
        List<ConvOps> ops = new ArrayList<>();
        for (TemporalConvAlgorithm a : TemporalConvAlgorithm.values()) {
            ops.add(base.with(a, 64L << 20));
            ops.add(base.with(a, 1)); // chunks of one sequence (banded ignores the workspace)
        }
        // two sequences of the last case (T' = 12, kW·in = 231) per chunk: 5 = 2 + 2 + 1
        ops.add(base.with(TemporalConvAlgorithm.UNFOLD, 2L * 12 * 7 * 33 * Float.BYTES));
        return ops;
    }

    @Test
    void temporalConvolutionMatchesTheCpuForEveryAlgorithmAndChunking() {
        Random rng = new Random(91);
        for (ConvOps ops : temporalOps()) {
            String algo = ((CudaConv) ops).temporalAlgorithm().toString();
            for (TemporalCase c : TEMPORAL) {
                String what = algo + " " + c;
                Tensor x = rand(rng, c.batch(), c.frames(), c.in());
                Tensor w = rand(rng, c.out(), c.kW(), c.in());
                Tensor bias = rand(rng, c.out());
                for (boolean withBias : new boolean[]{true, false}) {
                    Tensor y = Tensor.zeros(c.batch(), c.steps(), c.out()), gy = poisoned(c.batch(), c.steps(), c.out());
                    cpu().conv().temporalForward(x, w, withBias ? bias : null, c.dW(), y);
                    ops.temporalForward(gpu(x), gpu(w), withBias ? gpu(bias) : null, c.dW(), gy);
                    assertMatches(what + " forward" + (withBias ? "" : " without bias"), y, gy);
                }

                Tensor go = rand(rng, c.batch(), c.steps(), c.out());
                Tensor gi = Tensor.zeros(c.batch(), c.frames(), c.in()), ggi = poisoned(c.batch(), c.frames(), c.in());
                cpu().conv().temporalBackwardInput(go, w, c.dW(), gi);
                ops.temporalBackwardInput(gpu(go), gpu(w), c.dW(), ggi);
                assertMatches(what + " gradInput", gi, ggi);

                Tensor gw0 = rand(rng, c.out(), c.kW(), c.in()), gb0 = rand(rng, c.out());
                Tensor gw = gw0.copy(), gb = gb0.copy(), ggw = gpu(gw0), ggb = gpu(gb0);
                cpu().conv().temporalAccGradParameters(x, go, c.dW(), gw, gb);
                ops.temporalAccGradParameters(gpu(x), gpu(go), c.dW(), ggw, ggb);
                assertMatches(what + " gradWeight (accumulated)", gw, ggw);
                assertMatches(what + " gradBias (accumulated)", gb, ggb);
                Tensor ggwNoBias = gpu(gw0);
                Tensor gwNoBias = gw0.copy();
                cpu().conv().temporalAccGradParameters(x, go, c.dW(), gwNoBias, null);
                ops.temporalAccGradParameters(gpu(x), gpu(go), c.dW(), ggwNoBias, null);
                assertMatches(what + " gradWeight without gradBias", gwNoBias, ggwNoBias);
            }
        }
    }

    @Test
    void temporalConvolutionModuleRunsOnTheGpu() {
        TemporalConvolution cpuConv = new TemporalConvolution(19, 23, 5, 2, new Random(5));
        TemporalConvolution gpuConv = new TemporalConvolution(19, 23, 5, 2, new Random(5));
        gpuConv.to(GPU);
        Random rng = new Random(6);
        for (int[] shape : new int[][]{{3, 31, 19}, {27, 19}}) {
            Tensor x = rand(rng, shape);
            Tensor y = cpuConv.forward(x), gy = gpuConv.forward(gpu(x));
            assertEquals(GPU, gy.device());
            assertMatches("module forward " + java.util.Arrays.toString(shape), y, gy);
            Tensor go = rand(rng, y.shape());
            cpuConv.zeroGradParameters();
            gpuConv.zeroGradParameters();
            assertMatches("module gradInput", cpuConv.backward(x, go), gpuConv.backward(gpu(x), gpu(go)));
            assertMatches("module gradWeight", cpuConv.weight().grad(), gpuConv.weight().grad());
            assertMatches("module gradBias", cpuConv.bias().grad(), gpuConv.bias().grad());
        }
    }

    // ---- spatial, direct -----------------------------------------------------------------------

    record SpatialCase(int batch, int ch, int h, int w, int out, ConvGeometry g) {
        @Override
        public String toString() {
            return "B=" + batch + " " + ch + "->" + out + " " + h + "x" + w + " " + g;
        }
    }

    /** ConvGeometry(kH, kW, dH, dW, padH, padW). */
    static final List<SpatialCase> SPATIAL = List.of(
            new SpatialCase(3, 5, 17, 13, 7, new ConvGeometry(3, 3, 1, 1, 1, 1)),
            new SpatialCase(2, 4, 15, 11, 6, new ConvGeometry(5, 3, 2, 1, 2, 0)),  // non-square kernel, stride on one axis
            new SpatialCase(3, 6, 9, 10, 5, new ConvGeometry(1, 1, 1, 1, 0, 0)),   // 1x1: no unfold
            new SpatialCase(2, 3, 9, 11, 4, new ConvGeometry(1, 1, 2, 2, 0, 0)),   // 1x1 strided: unfolded
            new SpatialCase(2, 3, 12, 9, 4, new ConvGeometry(4, 4, 3, 3, 2, 2)),   // stride < kernel, padding
            new SpatialCase(2, 3, 13, 10, 4, new ConvGeometry(2, 3, 3, 4, 0, 1)),  // stride > kernel: pixels no window reads
            new SpatialCase(2, 3, 7, 6, 3, new ConvGeometry(7, 6, 1, 1, 0, 0)),    // kernel = image: 1x1 output
            new SpatialCase(1, 2, 5, 5, 3, new ConvGeometry(3, 3, 2, 2, 3, 3)),    // padding wider than the kernel
            new SpatialCase(4, 8, 21, 19, 9, new ConvGeometry(7, 5, 1, 1, 3, 2))); // larger, odd

    @Test
    void directSpatialConvolutionMatchesTheCpu() {
        Random rng = new Random(92);
        CudaConv base = (CudaConv) cuda().conv();
        List<ConvOps> opsList = List.of(base, base.with(base.temporalAlgorithm(), 1)); // roomy workspace, then one image per chunk
        for (ConvOps ops : opsList) {
            for (SpatialCase c : SPATIAL) {
                String what = (ops == base ? "" : "chunked ") + c;
                ConvGeometry g = c.g();
                int oh = g.outHeight(c.h()), ow = g.outWidth(c.w());
                Tensor x = rand(rng, c.batch(), c.ch(), c.h(), c.w());
                Tensor w = rand(rng, c.out(), c.ch(), g.kH(), g.kW());
                Tensor bias = rand(rng, c.out());
                for (boolean withBias : new boolean[]{true, false}) {
                    Tensor y = Tensor.zeros(c.batch(), c.out(), oh, ow), gy = poisoned(c.batch(), c.out(), oh, ow);
                    cpu().conv().spatialForward(x, w, withBias ? bias : null, g, y);
                    ops.spatialForward(gpu(x), gpu(w), withBias ? gpu(bias) : null, g, gy);
                    assertMatches(what + " forward" + (withBias ? "" : " without bias"), y, gy);
                }

                Tensor go = rand(rng, c.batch(), c.out(), oh, ow);
                Tensor gi = Tensor.zeros(c.batch(), c.ch(), c.h(), c.w()), ggi = poisoned(c.batch(), c.ch(), c.h(), c.w());
                cpu().conv().spatialBackwardInput(go, w, g, gi);
                ops.spatialBackwardInput(gpu(go), gpu(w), g, ggi);
                assertMatches(what + " gradInput", gi, ggi);

                Tensor gw0 = rand(rng, c.out(), c.ch(), g.kH(), g.kW()), gb0 = rand(rng, c.out());
                Tensor gw = gw0.copy(), gb = gb0.copy(), ggw = gpu(gw0), ggb = gpu(gb0);
                cpu().conv().spatialAccGradParameters(x, go, g, gw, gb);
                ops.spatialAccGradParameters(gpu(x), gpu(go), g, ggw, ggb);
                assertMatches(what + " gradWeight (accumulated)", gw, ggw);
                assertMatches(what + " gradBias (accumulated)", gb, ggb);
            }
        }
    }

    @Test
    void spatialModulesRunOnTheGpu() {
        Random rng = new Random(93);
        SpatialConvolution cpuConv = new SpatialConvolution(5, 6, 5, 3, 1, 2, 2, 1, new Random(7));
        SpatialConvolution gpuConv = new SpatialConvolution(5, 6, 5, 3, 1, 2, 2, 1, new Random(7));
        AutoSpatialConvolution auto = new AutoSpatialConvolution(5, 6, 5, 3, 1, 1, 2, 1, new Random(7));
        SpatialConvolution cpuUnit = new SpatialConvolution(5, 6, 5, 3, 1, 1, 2, 1, new Random(7));
        gpuConv.to(GPU);
        auto.to(GPU);
        Tensor x = rand(rng, 3, 5, 14, 11);
        Tensor go = rand(rng, cpuConv.forward(x).shape());
        assertMatches("SpatialConvolution forward", cpuConv.forward(x), gpuConv.forward(gpu(x)));
        assertMatches("SpatialConvolution gradInput", cpuConv.backward(x, go), gpuConv.backward(gpu(x), gpu(go)));
        assertMatches("SpatialConvolution gradWeight", cpuConv.weight().grad(), gpuConv.weight().grad());
        // AutoSpatialConvolution times its candidates on the GPU (direct; FFT where the backend has it) and agrees either way.
        Tensor y = cpuUnit.forward(x);
        assertMatches("AutoSpatialConvolution forward (" + auto.algorithmFor(gpu(x)) + ")", y, auto.forward(gpu(x)));
        Tensor goUnit = rand(rng, y.shape());
        assertMatches("AutoSpatialConvolution gradInput", cpuUnit.backward(x, goUnit), auto.backward(gpu(x), gpu(goUnit)));
        assertMatches("AutoSpatialConvolution gradBias", cpuUnit.bias().grad(), auto.bias().grad());
    }

    @Test
    void badShapesAndHostTensorsAreRejectedBeforeAnyKernelRuns() {
        ConvOps ops = cuda().conv();
        Tensor x = gpu(rand(new Random(1), 2, 10, 4)), w = gpu(rand(new Random(2), 3, 3, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ops.temporalForward(x, w, null, 1, Tensor.zeros(GPU, 2, 9, 3)));
        assertTrue(e.getMessage().contains("must have shape [2, 8, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ops.temporalForward(x.to(dev.kindling.core.tensor.Device.CPU), w, null, 1, Tensor.zeros(GPU, 2, 8, 3)));
        assertTrue(e.getMessage().contains("to(cuda:N)"), e.getMessage());
        ConvGeometry g = new ConvGeometry(3, 3, 1, 1, 0, 0);
        Tensor img = gpu(rand(new Random(3), 1, 2, 6, 6));
        e = assertThrows(IllegalArgumentException.class,
                () -> ops.spatialForward(img, gpu(rand(new Random(4), 4, 3, 3, 3)), null, g, Tensor.zeros(GPU, 1, 4, 4, 4)));
        assertTrue(e.getMessage().contains("weight must have shape [4, 2, 3, 3]"), e.getMessage());
    }
}
