package dev.kindling.cuda.ops;

import dev.kindling.core.backend.Backends;
import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The CUDA convolutions' orchestration (chunking, pointer offsets, leading dimensions, strided-batched
 * GEMM layouts, both temporal algorithms) run on {@link HostConvSteps} and compared with the CPU
 * backend, on the cases of {@link CudaConvTest}. Needs no GPU; what it cannot check is cuBLAS, the CUDA
 * compiler and the launch configurations, which {@link CudaConvTest} covers on a GPU.
 */
class ConvStepsOnHostTest {

    private static final long ROOMY = 64L << 20;

    private static float[] random(Random rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextFloat() * 2 - 1;
        }
        return x;
    }

    private static float[] nan(long n) {
        float[] x = new float[Math.toIntExact(n)];
        Arrays.fill(x, Float.NaN);
        return x;
    }

    private static void assertMatches(String what, Tensor expected, float[] actual) {
        CudaConvTest.assertMatches(what, expected, Tensor.wrap(actual, expected.shape()));
    }

    @Test
    void temporalAlgorithmsMatchTheCpu() {
        Random rng = new Random(17);
        for (TemporalConvAlgorithm algorithm : TemporalConvAlgorithm.values()) {
            for (long workspace : new long[]{ROOMY, 1, 2L * 12 * 7 * 33 * Float.BYTES}) {
                CudaTemporalConv conv = new CudaTemporalConv(workspace, algorithm);
                for (CudaConvTest.TemporalCase c : CudaConvTest.TEMPORAL) {
                    String what = algorithm + " workspace " + workspace + " " + c;
                    CudaTemporalConv.Dims s = new CudaTemporalConv.Dims(c.batch(), c.frames(), c.in(), c.out(), c.kW(), c.dW(), c.steps());
                    float[] x = random(rng, c.batch() * c.frames() * c.in()), w = random(rng, c.out() * c.kW() * c.in());
                    float[] bias = random(rng, c.out()), go = random(rng, c.batch() * c.steps() * c.out());
                    Tensor tx = Tensor.wrap(x.clone(), c.batch(), c.frames(), c.in()), tw = Tensor.wrap(w.clone(), c.out(), c.kW(), c.in());
                    Tensor tb = Tensor.wrap(bias.clone(), c.out()), tgo = Tensor.wrap(go.clone(), c.batch(), c.steps(), c.out());
                    HostConvSteps h = new HostConvSteps();
                    long ax = h.place(x), aw = h.place(w), ab = h.place(bias), ago = h.place(go);

                    for (boolean withBias : new boolean[]{true, false}) {
                        Tensor y = Tensor.zeros(c.batch(), c.steps(), c.out());
                        Backends.cpu().conv().temporalForward(tx, tw, withBias ? tb : null, c.dW(), y);
                        float[] hy = nan(y.numel());
                        conv.forward(h, s, ax, aw, withBias ? ab : 0, h.place(hy));
                        assertMatches(what + " forward" + (withBias ? "" : " without bias"), y, hy);
                    }

                    Tensor gi = Tensor.zeros(c.batch(), c.frames(), c.in());
                    Backends.cpu().conv().temporalBackwardInput(tgo, tw, c.dW(), gi);
                    float[] hgi = nan(gi.numel());
                    conv.backwardInput(h, s, ago, aw, h.place(hgi));
                    assertMatches(what + " gradInput", gi, hgi);

                    float[] gw0 = random(rng, w.length), gb0 = random(rng, c.out());
                    Tensor gw = Tensor.wrap(gw0.clone(), c.out(), c.kW(), c.in()), gb = Tensor.wrap(gb0.clone(), c.out());
                    Backends.cpu().conv().temporalAccGradParameters(tx, tgo, c.dW(), gw, gb);
                    float[] hgw = gw0.clone(), hgb = gb0.clone();
                    conv.accGradParameters(h, s, ax, ago, h.place(hgw), h.place(hgb));
                    assertMatches(what + " gradWeight (accumulated)", gw, hgw);
                    assertMatches(what + " gradBias (accumulated)", gb, hgb);
                }
            }
        }
    }

    @Test
    void bandedForwardIsOneGemmPerTap() {
        CudaConvTest.TemporalCase c = CudaConvTest.TEMPORAL.get(1);
        CudaTemporalConv conv = new CudaTemporalConv(ROOMY, TemporalConvAlgorithm.BANDED);
        HostConvSteps h = new HostConvSteps();
        Random rng = new Random(3);
        conv.forward(h, new CudaTemporalConv.Dims(c.batch(), c.frames(), c.in(), c.out(), c.kW(), c.dW(), c.steps()),
                h.place(random(rng, c.batch() * c.frames() * c.in())), h.place(random(rng, c.out() * c.kW() * c.in())), 0,
                h.place(nan((long) c.batch() * c.steps() * c.out())));
        assertEquals(c.kW(), h.gemmCalls);
    }

    @Test
    void directSpatialMatchesTheCpu() {
        Random rng = new Random(18);
        for (long workspace : new long[]{ROOMY, 1, 80_000}) { // 80 kB: two images of the first case per forward chunk
            CudaSpatialConv conv = new CudaSpatialConv(workspace);
            for (CudaConvTest.SpatialCase c : CudaConvTest.SPATIAL) {
                String what = "workspace " + workspace + " " + c;
                ConvGeometry g = c.g();
                int oh = g.outHeight(c.h()), ow = g.outWidth(c.w());
                CudaSpatialConv.Dims s = new CudaSpatialConv.Dims(c.batch(), c.ch(), c.h(), c.w(), c.out(), oh, ow, g);
                float[] x = random(rng, c.batch() * c.ch() * c.h() * c.w()), w = random(rng, c.out() * c.ch() * g.kH() * g.kW());
                float[] bias = random(rng, c.out()), go = random(rng, c.batch() * c.out() * oh * ow);
                Tensor tx = Tensor.wrap(x.clone(), c.batch(), c.ch(), c.h(), c.w());
                Tensor tw = Tensor.wrap(w.clone(), c.out(), c.ch(), g.kH(), g.kW());
                Tensor tb = Tensor.wrap(bias.clone(), c.out()), tgo = Tensor.wrap(go.clone(), c.batch(), c.out(), oh, ow);
                HostConvSteps h = new HostConvSteps();
                long ax = h.place(x), aw = h.place(w), ab = h.place(bias), ago = h.place(go);

                for (boolean withBias : new boolean[]{true, false}) {
                    Tensor y = Tensor.zeros(c.batch(), c.out(), oh, ow);
                    Backends.cpu().conv().spatialForward(tx, tw, withBias ? tb : null, g, y);
                    float[] hy = nan(y.numel());
                    conv.forward(h, s, ax, aw, withBias ? ab : 0, h.place(hy));
                    assertMatches(what + " forward" + (withBias ? "" : " without bias"), y, hy);
                }

                Tensor gi = Tensor.zeros(c.batch(), c.ch(), c.h(), c.w());
                Backends.cpu().conv().spatialBackwardInput(tgo, tw, g, gi);
                float[] hgi = nan(gi.numel());
                conv.backwardInput(h, s, ago, aw, h.place(hgi));
                assertMatches(what + " gradInput", gi, hgi);

                float[] gw0 = random(rng, w.length), gb0 = random(rng, c.out());
                Tensor gw = Tensor.wrap(gw0.clone(), tw.shape()), gb = Tensor.wrap(gb0.clone(), c.out());
                Backends.cpu().conv().spatialAccGradParameters(tx, tgo, g, gw, gb);
                float[] hgw = gw0.clone(), hgb = gb0.clone();
                conv.accGradParameters(h, s, ax, ago, h.place(hgw), h.place(hgb));
                assertMatches(what + " gradWeight (accumulated)", gw, hgw);
                assertMatches(what + " gradBias (accumulated)", gb, hgb);
            }
        }
    }
}
