package dev.kindling.cuda.ops;

import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.backend.FftConvWorkspace;
import dev.kindling.core.nn.conv.SpatialConvolution;
import dev.kindling.core.nn.conv.SpatialConvolutionFFT;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.CudaTestSupport;
import dev.kindling.cuda.bindings.CublasComplex;
import dev.kindling.cuda.runtime.CudaDriver;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link CudaFftConv} against the CPU backend's FFT convolution: random odd and non-square shapes with
 * padding, all three passes, every layout and GEMM form, outputs poisoned with NaN, gradients accumulated
 * onto random starting values. Relative error (‖gpu − cpu‖ / ‖cpu‖) at most 1e-4.
 */
class CudaFftConvTest extends CudaTestSupport {

    private static final double TOLERANCE = 1e-4;

    /** batch, nIn, nOut, H, W, kH, kW, padH, padW. */
    private static final int[][] SHAPES = {
            {2, 3, 4, 7, 9, 3, 2, 0, 1}, {3, 2, 5, 13, 6, 5, 3, 2, 1}, {1, 4, 3, 5, 17, 4, 7, 1, 3}, {2, 5, 3, 9, 9, 9, 9, 4, 4},
            {1, 1, 1, 1, 1, 1, 1, 0, 0}, {3, 3, 6, 31, 33, 7, 1, 3, 0}, {5, 7, 3, 22, 19, 11, 13, 5, 6}, {16, 32, 64, 32, 32, 5, 5, 2, 2},
    };

    static double relErr(Tensor expected, Tensor actual) {
        float[] e = expected.toArray(), a = actual.toArray();
        assertEquals(e.length, a.length);
        double num = 0, den = 0;
        for (int i = 0; i < e.length; i++) {
            if (!Float.isFinite(a[i])) {
                return Double.POSITIVE_INFINITY;
            }
            num += (double) (e[i] - a[i]) * (e[i] - a[i]);
            den += (double) e[i] * e[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-30));
    }

    private static void check(String what, int[] shape, Tensor expected, Tensor actual) {
        double err = relErr(expected, actual);
        assertTrue(err <= TOLERANCE, what + " of shape " + Arrays.toString(shape) + ": relative error " + err);
    }

    /** One shape: CPU forward + backward, then the GPU on the same values, compared. */
    private static void compare(CudaFftConv fft, int[] s, Random rng, boolean viaWorkspace) {
        ConvGeometry g = new ConvGeometry(s[5], s[6], 1, 1, s[7], s[8]);
        Tensor x = rand(rng, s[0], s[1], s[3], s[4]);
        Tensor w = rand(rng, s[2], s[1], s[5], s[6]);
        Tensor b = rand(rng, s[2]);
        int oh = g.outHeight(s[3]), ow = g.outWidth(s[4]);
        Tensor go = rand(rng, s[0], s[2], oh, ow);
        Tensor gw0 = rand(rng, w.shape()), gb0 = rand(rng, s[2]);

        Tensor y = Tensor.zeros(s[0], s[2], oh, ow), gi = x.zerosLike(), gw = gw0.copy(), gb = gb0.copy();
        cpu().conv().fftSpatialForward(x, w, b, g, y);
        cpu().conv().fftSpatialBackward(x, w, go, g, gi, gw, gb);

        Tensor gx = gpu(x), gwt = gpu(w);
        Tensor dy = poisoned(s[0], s[2], oh, ow), dgi = poisoned(x.shape());
        Tensor dgw = gpu(gw0), dgb = gpu(gb0);
        if (viaWorkspace) {
            FftConvWorkspace ws = fft.newWorkspace();
            ws.forward(gx, gwt, gpu(b), g, dy);
            ws.backward(gx, gwt, gpu(go), g, dgi, dgw, dgb);
            assertEquals(6, ws.transforms(), "a training step through a workspace runs 6 batched transforms");
            ws.close();
        } else {
            fft.forward(gx, gwt, gpu(b), g, dy);
            fft.backward(gx, gwt, gpu(go), g, dgi, dgw, dgb);
        }
        String v = fft.layout() + (viaWorkspace ? " workspace" : "");
        check(v + " output", s, y, dy);
        check(v + " gradInput", s, gi, dgi);
        check(v + " gradWeight (accumulated)", s, gw, dgw);
        check(v + " gradBias (accumulated)", s, gb, dgb);
    }

    @Test
    void stridedLayoutMatchesTheCpu() {
        try (CudaFftConv fft = new CudaFftConv(CudaFftConv.Layout.STRIDED, false)) {
            Random rng = new Random(1);
            for (int[] s : SHAPES) {
                compare(fft, s, rng, false);
                compare(fft, s, rng, true);
            }
        }
    }

    @Test
    void transposedLayoutMatchesTheCpu() {
        try (CudaFftConv fft = new CudaFftConv(CudaFftConv.Layout.TRANSPOSED, false)) {
            Random rng = new Random(2);
            for (int[] s : SHAPES) {
                compare(fft, s, rng, true);
            }
        }
    }

    @Test
    void gaussComplexGemmMatchesTheCpu() {
        assumeTrue(new CublasComplex(CudaDriver.probe().cublas()).hasThreeM(), "this cuBLAS has no cublasCgemm3mStridedBatched");
        try (CudaFftConv fft = new CudaFftConv(CudaFftConv.Layout.STRIDED, true)) {
            Random rng = new Random(3);
            for (int[] s : SHAPES) {
                compare(fft, s, rng, true);
            }
        }
    }

    @Test
    void workspaceRecomputesWhatDoesNotMatchAndEachPassAlone() {
        Random rng = new Random(4);
        ConvGeometry g = new ConvGeometry(3, 5, 1, 1, 1, 2);
        Tensor x = rand(rng, 2, 3, 8, 11), w = rand(rng, 4, 3, 3, 5), go = rand(rng, 2, 4, 8, 11);
        Tensor gi = Tensor.zeros(x.shape()), gw = Tensor.zeros(w.shape());
        cpu().conv().fftSpatialBackward(x, w, go, g, gi, null, null);
        cpu().conv().fftSpatialBackward(x, w, go, g, null, gw, null);
        try (CudaFftConv fft = new CudaFftConv()) {
            FftConvWorkspace ws = fft.newWorkspace();
            Tensor gx = gpu(x), gwt = gpu(w);
            ws.forward(gx, gwt, null, g, poisoned(2, 4, 8, 11));
            // another input tensor than forward's: its spectra are recomputed (G, X, 2 inverses; W reused)
            Tensor dgi = poisoned(x.shape()), dgw = Tensor.zeros(GPU, w.shape());
            ws.backward(gpu(x), gwt, gpu(go), g, dgi, dgw, null);
            assertEquals(3 + 4, ws.transforms());
            check("gradInput", new int[0], gi, dgi);
            check("gradWeight", new int[0], gw, dgw);
            // gradInput alone, then gradWeight alone, without a forward
            Tensor gi2 = poisoned(x.shape()), gw2 = Tensor.zeros(GPU, w.shape());
            fft.backward(gx, gwt, gpu(go), g, gi2, null, null);
            fft.backward(gx, gwt, gpu(go), g, null, gw2, null);
            check("gradInput alone", new int[0], gi, gi2);
            check("gradWeight alone", new int[0], gw, gw2);
            ws.close();
            assertTrue(fft.cachedPlans(gpuDevice()) > 0);
        }
    }

    @Test
    void badShapesAreRejectedWithTheExpectedShape() {
        try (CudaFftConv fft = new CudaFftConv()) {
            ConvGeometry g = new ConvGeometry(3, 3, 1, 1, 1, 1);
            Tensor x = Tensor.zeros(GPU, 2, 3, 8, 8), w = Tensor.zeros(GPU, 4, 3, 3, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> fft.forward(x, w, null, g, Tensor.zeros(GPU, 2, 4, 7, 8)));
            assertTrue(e.getMessage().contains("[2, 4, 8, 8]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> fft.forward(x, Tensor.zeros(GPU, 4, 2, 3, 3), null, g,
                    Tensor.zeros(GPU, 2, 4, 8, 8)));
            assertTrue(e.getMessage().contains("[O, 3, 3, 3]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> fft.forward(x, w, null, new ConvGeometry(3, 3, 2, 2, 1, 1),
                    Tensor.zeros(GPU, 2, 4, 4, 4)));
            assertThrows(IllegalArgumentException.class, () -> fft.backward(x, w, Tensor.zeros(GPU, 2, 4, 8, 8), g,
                    Tensor.zeros(GPU, 2, 3, 8, 7), null, null));
            assertThrows(IllegalArgumentException.class, () -> fft.forward(Tensor.zeros(2, 3, 8, 8), w, null, g,
                    Tensor.zeros(GPU, 2, 4, 8, 8)));
        }
    }

    /** The module on the GPU, once the CUDA backend's ConvOps hands its FFT work to CudaFftConv. */
    @Test
    void spatialConvolutionFftModuleMatchesTheDirectCpuModule() {
        boolean hasConv;
        try {
            hasConv = cuda().conv() != null;
        } catch (UnsupportedOperationException e) {
            hasConv = false;
        }
        assumeTrue(hasConv, "the CUDA backend has no ConvOps in this build");
        Random rng = new Random(5);
        SpatialConvolution direct = new SpatialConvolution(3, 5, 4, 3, 1, 1, 2, 1, new Random(9));
        SpatialConvolutionFFT fft = new SpatialConvolutionFFT(3, 5, 4, 3, 2, 1, new Random(9));
        fft.to(GPU);
        for (int step = 0; step < 2; step++) {
            Tensor x = rand(rng, 4, 3, 11, 14), gx = gpu(x);
            Tensor y = direct.forward(x), dy = fft.forward(gx);
            check("module output", new int[0], y, dy);
            Tensor go = rand(rng, y.shape());
            check("module gradInput", new int[0], direct.backward(x, go), fft.backward(gx, gpu(go)));
            check("module gradWeight", new int[0], direct.weight().grad(), fft.weight().grad());
            check("module gradBias", new int[0], direct.bias().grad(), fft.bias().grad());
        }
    }
}
