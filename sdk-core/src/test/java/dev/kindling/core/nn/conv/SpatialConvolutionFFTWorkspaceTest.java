package dev.kindling.core.nn.conv;

import dev.kindling.core.backend.Backends;
import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.testing.GradCheck;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training-step workspace of {@link SpatialConvolutionFFT}: spectra kept from forward for backward. */
class SpatialConvolutionFFTWorkspaceTest {

    @Test
    void trainingStepRunsSixTransformsAndRecomputesOnlyWhatDoesNotMatch() {
        Random rng = new Random(1);
        SpatialConvolutionFFT conv = new SpatialConvolutionFFT(3, 4, 3, 5, 1, 2, rng);
        Tensor x = Tensor.randn(rng, 1f, 2, 3, 9, 7);
        Tensor g = Tensor.randn(rng, 1f, conv.forward(x).shape());
        long t0 = conv.workspace().transforms();
        conv.forward(x);
        conv.backward(x, g);
        // forward: input, weights, inverse; backward: gradOutput, two inverses.
        assertEquals(6, conv.workspace().transforms() - t0);

        // The kept spectra served one backward: a second one recomputes the input and weight spectra.
        long t1 = conv.workspace().transforms();
        conv.backward(x, g);
        assertEquals(5, conv.workspace().transforms() - t1);

        // Backward with another input tensor than forward's: the weights' spectra still match, the input's do not.
        Tensor other = x.copy();
        long t2 = conv.workspace().transforms();
        conv.forward(x);
        conv.backward(other, g);
        assertEquals(3 + 4, conv.workspace().transforms() - t2);
    }

    @Test
    void cachedSpectraGiveExactlyTheStatelessResults() {
        Random rng = new Random(2);
        // batch, nIn, nOut, H, W, kH, kW, padH, padW
        int[][] cases = {{2, 3, 4, 7, 9, 3, 2, 0, 1}, {3, 2, 5, 13, 6, 5, 3, 2, 1}, {1, 4, 3, 5, 17, 4, 7, 1, 3}};
        for (int[] s : cases) {
            SpatialConvolutionFFT conv = new SpatialConvolutionFFT(s[1], s[2], s[6], s[5], s[8], s[7], rng);
            Tensor x = Tensor.randn(rng, 1f, s[0], s[1], s[3], s[4]);
            Tensor y = conv.forward(x);
            Tensor g = Tensor.randn(rng, 1f, y.shape());
            Tensor gi = conv.backward(x, g);

            ConvGeometry geo = conv.geometry();
            var ops = Backends.cpu().conv();
            Tensor y2 = Tensor.zeros(y.shape()), gi2 = x.zerosLike();
            Tensor gw2 = conv.weight().value().zerosLike(), gb2 = conv.bias().value().zerosLike();
            ops.fftSpatialForward(x, conv.weight().value(), conv.bias().value(), geo, y2);
            ops.fftSpatialBackward(x, conv.weight().value(), g, geo, gi2, gw2, gb2);
            assertArrayEquals(y2.toArray(), y.toArray(), "output");
            assertArrayEquals(gi2.toArray(), gi.toArray(), "gradInput");
            assertArrayEquals(gw2.toArray(), conv.weight().grad().toArray(), "gradWeight");
            assertArrayEquals(gb2.toArray(), conv.bias().grad().toArray(), "gradBias");
        }
    }

    /** SGD steps that change the weights in place between steps: spectra from an earlier step must not be reused. */
    @Test
    void matchesDirectAcrossTrainingStepsWithOddPaddedShapes() {
        Random rng = new Random(3);
        int[][] cases = {{2, 3, 4, 11, 7, 5, 3, 2, 1}, {3, 2, 3, 6, 13, 3, 6, 0, 2}, {1, 5, 2, 9, 9, 9, 1, 4, 0}};
        for (int[] s : cases) {
            long seed = rng.nextLong();
            SpatialConvolution direct = new SpatialConvolution(s[1], s[2], s[6], s[5], 1, 1, s[8], s[7], new Random(seed));
            SpatialConvolutionFFT fft = new SpatialConvolutionFFT(s[1], s[2], s[6], s[5], s[8], s[7], new Random(seed));
            Tensor x = Tensor.randn(rng, 1f, s[0], s[1], s[3], s[4]);
            double worst = 0;
            for (int step = 0; step < 3; step++) {
                direct.zeroGradParameters();
                fft.zeroGradParameters();
                Tensor yd = direct.forward(x), yf = fft.forward(x);
                worst = Math.max(worst, SpatialConvolutionTest.relErr(yd, yf));
                Tensor g = Tensor.randn(rng, 1f, yd.shape());
                worst = Math.max(worst, SpatialConvolutionTest.relErr(direct.backward(x, g), fft.backward(x, g)));
                worst = Math.max(worst, SpatialConvolutionTest.relErr(direct.weight().grad(), fft.weight().grad()));
                worst = Math.max(worst, SpatialConvolutionTest.relErr(direct.bias().grad(), fft.bias().grad()));
                sgd(direct, 0.1f);
                sgd(fft, 0.1f);
                // and a new input in the same storage, written in place, as a data loader would
                x.copyFrom(Tensor.randn(rng, 1f, x.shape()));
            }
            assertTrue(worst <= 1e-4, "FFT (workspace) vs direct relative error " + worst + " for " + java.util.Arrays.toString(s));
        }
    }

    private static void sgd(AbstractSpatialConvolution m, float lr) {
        for (var p : m.parameters()) {
            Tensor v = p.value(), gr = p.grad();
            for (long i = 0; i < v.numel(); i++) {
                v.setFlat(i, v.getFlat(i) - lr * gr.getFlat(i));
            }
        }
    }

    @Test
    void evalModeMatchesFiniteDifferencesWithoutAWorkspace() {
        Random rng = new Random(4);
        SpatialConvolutionFFT conv = new SpatialConvolutionFFT(2, 3, 3, 2, 1, 1, rng);
        conv.eval();
        GradCheck.check(conv, Tensor.randn(rng, 1f, 2, 2, 5, 7), 8);
        assertNull(conv.workspace(), "eval mode made no workspace");
    }

    @Test
    void trainingModeMatchesFiniteDifferencesOnNonSquarePaddedInput() {
        Random rng = new Random(5);
        GradCheck.check(new SpatialConvolutionFFT(2, 2, 4, 3, 2, 1, rng), Tensor.randn(rng, 1f, 2, 2, 5, 8), 9);
    }

    @Test
    void evalForwardFromManyThreadsSharesNoState() throws Exception {
        Random rng = new Random(6);
        SpatialConvolutionFFT conv = new SpatialConvolutionFFT(3, 4, 5, 3, 1, 2, rng);
        conv.eval();
        List<Tensor> inputs = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Tensor x = Tensor.randn(rng, 1f, 1 + i % 3, 3, 7 + i, 10 - i % 4);
            inputs.add(x);
            expected.add(conv.forward(x).toArray());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                for (int i = 0; i < inputs.size(); i++) {
                    int k = i;
                    fs.add(pool.submit(() -> assertArrayEquals(expected.get(k), conv.forward(inputs.get(k)).toArray())));
                }
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertNull(conv.workspace());
    }

    @Test
    void releasedWorkspaceIsRecreatedByTheNextStep() {
        Random rng = new Random(7);
        SpatialConvolutionFFT conv = new SpatialConvolutionFFT(2, 2, 3, 3, 1, 1, rng);
        Tensor x = Tensor.randn(rng, 1f, 2, 2, 6, 5);
        Tensor g = Tensor.randn(rng, 1f, 2, 2, 6, 5);
        conv.forward(x);
        float[] gi = conv.backward(x, g).toArray();
        conv.releaseWorkspace();
        assertNull(conv.workspace());
        conv.forward(x);
        assertArrayEquals(gi, conv.backward(x, g).toArray());
        assertNotNull(conv.workspace());
        assertEquals(6, conv.workspace().transforms());
    }
}
