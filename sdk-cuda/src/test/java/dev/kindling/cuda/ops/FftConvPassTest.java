package dev.kindling.cuda.ops;

import dev.kindling.core.backend.Backends;
import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The index math of {@link CudaFftConv} without a GPU: the same passes ({@link FftConvPass}: GEMM
 * operations, leading dimensions, batch strides, crop windows), the same transform grid and the same
 * [freq][plane] spectrum layout, but with reference DFTs and a reference column-major complex GEMM on the
 * CPU in place of cuFFT and cuBLAS. Must equal the CPU backend's FFT convolution. (The GPU pieces are
 * checked one by one against these references by CudaFftKernelsTest where a GPU is.)
 */
class FftConvPassTest {

    /** Spectra [freq][plane] (interleaved complex) of real [planes][rows][cols], the forward DFT (e^{-i}). */
    static float[] spectra(float[] real, int planes, int rows, int cols) {
        int wc = cols / 2 + 1, freqs = rows * wc;
        float[] out = new float[2 * freqs * planes];
        for (int p = 0; p < planes; p++) {
            for (int fy = 0; fy < rows; fy++) {
                for (int fx = 0; fx < wc; fx++) {
                    double re = 0, im = 0;
                    for (int u = 0; u < rows; u++) {
                        for (int v = 0; v < cols; v++) {
                            double a = -2 * Math.PI * ((double) fy * u / rows + (double) fx * v / cols);
                            double x = real[(p * rows + u) * cols + v];
                            re += x * Math.cos(a);
                            im += x * Math.sin(a);
                        }
                    }
                    int at = 2 * ((fy * wc + fx) * planes + p);
                    out[at] = (float) re;
                    out[at + 1] = (float) im;
                }
            }
        }
        return out;
    }

    /** The unnormalized inverse (what cuFFT C2R computes) of half spectra [freq][plane], to [planes][rows][cols]. */
    static float[] inverse(float[] spec, int planes, int rows, int cols) {
        int wc = cols / 2 + 1;
        float[] out = new float[planes * rows * cols];
        for (int p = 0; p < planes; p++) {
            for (int u = 0; u < rows; u++) {
                for (int v = 0; v < cols; v++) {
                    double sum = 0;
                    for (int fy = 0; fy < rows; fy++) {
                        for (int fx = 0; fx < cols; fx++) {
                            // The other half by Hermitian symmetry: X(fy, fx) = conj X(-fy, -fx).
                            boolean stored = fx < wc;
                            int sy = stored ? fy : (rows - fy) % rows, sx = stored ? fx : cols - fx;
                            int at = 2 * ((sy * wc + sx) * planes + p);
                            double re = spec[at], im = stored ? spec[at + 1] : -spec[at + 1];
                            double a = 2 * Math.PI * ((double) fy * u / rows + (double) fx * v / cols);
                            sum += re * Math.cos(a) - im * Math.sin(a);
                        }
                    }
                    out[(p * rows + u) * cols + v] = (float) sum;
                }
            }
        }
        return out;
    }

    private static float[] run(FftConvShape s, FftConvPass pass, float[] x, float[] w, float[] g, float[] bias, float[] dstBefore) {
        float[] a = pick(pass.a(), x, w, g), b = pick(pass.b(), x, w, g);
        float[] products = CudaFftKernelsTest.gemmReference(pass.opA(), pass.opB(), pass.m(), pass.n(), pass.k(), a, pass.lda(),
                Math.toIntExact(pass.strideA()), b, pass.ldb(), Math.toIntExact(pass.strideB()), pass.ldc(),
                Math.toIntExact(pass.resultPlanes()), s.freqs());
        int planes = Math.toIntExact(pass.resultPlanes());
        float[] real = inverse(products, planes, s.rows(), s.cols());
        return CudaFftKernelsTest.cropReference(real, s.rows(), s.cols(), planes, pass.r0(), pass.nr(), pass.c0(), pass.nc(),
                (float) (1.0 / (s.rows() * s.cols())), pass.bias() ? bias : null, dstBefore, pass.accumulate());
    }

    private static float[] pick(FftConvPass.Spectrum which, float[] x, float[] w, float[] g) {
        return switch (which) {
            case INPUT -> x;
            case WEIGHT -> w;
            case GRAD_OUTPUT -> g;
        };
    }

    private static double relErr(float[] expected, float[] actual) {
        double num = 0, den = 0;
        for (int i = 0; i < expected.length; i++) {
            num += (double) (expected[i] - actual[i]) * (expected[i] - actual[i]);
            den += (double) expected[i] * expected[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-30));
    }

    @Test
    void passesOnFreqPlaneSpectraEqualTheCpuConvolution() {
        Random rng = new Random(1);
        // batch, nIn, nOut, H, W, kH, kW, padH, padW
        int[][] cases = {{2, 3, 4, 7, 9, 3, 2, 0, 1}, {1, 2, 3, 5, 6, 4, 3, 1, 2}, {3, 2, 2, 4, 5, 2, 3, 1, 0}, {1, 1, 1, 1, 1, 1, 1, 0, 0}};
        for (int[] c : cases) {
            ConvGeometry geo = new ConvGeometry(c[5], c[6], 1, 1, c[7], c[8]);
            Tensor x = Tensor.randn(rng, 1f, c[0], c[1], c[3], c[4]), w = Tensor.randn(rng, 1f, c[2], c[1], c[5], c[6]);
            Tensor bias = Tensor.randn(rng, 1f, c[2]);
            int oh = geo.outHeight(c[3]), ow = geo.outWidth(c[4]);
            Tensor go = Tensor.randn(rng, 1f, c[0], c[2], oh, ow), gw0 = Tensor.randn(rng, 1f, w.shape());
            Tensor y = Tensor.zeros(c[0], c[2], oh, ow), gi = x.zerosLike(), gw = gw0.copy();
            Backends.cpu().conv().fftSpatialForward(x, w, bias, geo, y);
            Backends.cpu().conv().fftSpatialBackward(x, w, go, geo, gi, gw, null);

            FftConvShape s = FftConvShape.of(x, w, geo);
            int rows = s.rows(), cols = s.cols();
            float[] xs = spectra(CudaFftKernelsTest.padReference(x.toArray(), c[0] * c[1], c[3], c[4], c[7], c[8], rows, cols),
                    c[0] * c[1], rows, cols);
            float[] ws = spectra(CudaFftKernelsTest.padReference(w.toArray(), c[2] * c[1], c[5], c[6], 0, 0, rows, cols),
                    c[2] * c[1], rows, cols);
            float[] gs = spectra(CudaFftKernelsTest.padReference(go.toArray(), c[0] * c[2], oh, ow, 0, 0, rows, cols),
                    c[0] * c[2], rows, cols);
            float[] bv = bias.toArray();
            String at = Arrays.toString(c) + " on a " + rows + "x" + cols + " grid";
            double e1 = relErr(y.toArray(), run(s, FftConvPass.output(s), xs, ws, gs, bv, new float[(int) y.numel()]));
            double e2 = relErr(gi.toArray(), run(s, FftConvPass.gradInput(s), xs, ws, gs, bv, new float[(int) gi.numel()]));
            double e3 = relErr(gw.toArray(), run(s, FftConvPass.gradWeight(s), xs, ws, gs, bv, gw0.toArray()));
            assertTrue(e1 < 1e-4, "output " + at + ": relative error " + e1);
            assertTrue(e2 < 1e-4, "gradInput " + at + ": relative error " + e2);
            assertTrue(e3 < 1e-4, "gradWeight (accumulated) " + at + ": relative error " + e3);
        }
    }

    @Test
    void gridIsTheSmallestSevenSmoothSizeCoveringThePaddedInput() {
        int[][] expect = {{1, 2}, {2, 2}, {11, 12}, {13, 14}, {17, 18}, {31, 32}, {127, 128}, {140, 140}, {141, 144}, {29, 30}};
        for (int[] e : expect) {
            assertTrue(FftConvShape.fftSize(e[0]) == e[1], "fftSize(" + e[0] + ") = " + FftConvShape.fftSize(e[0]) + ", expected " + e[1]);
        }
    }
}
