package dev.kindling.cuda.ops;

import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.CudaTestSupport;
import dev.kindling.cuda.bindings.CublasComplex;
import dev.kindling.cuda.bindings.Cufft;
import dev.kindling.cuda.runtime.CudaDevice;
import dev.kindling.cuda.runtime.CudaDriver;
import dev.kindling.cuda.runtime.KernelArgs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.kindling.cuda.runtime.CudaStorage.address;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The pieces of {@link CudaFftConv} one at a time, each against a plain CPU reference, so that a wrong
 * convolution on the GPU points at its cause: the fftconv.cu kernels, the cuFFT binding (layouts,
 * scaling, sign) and the complex GEMM binding (ops, leading dimensions, strides).
 */
class CudaFftKernelsTest extends CudaTestSupport {

    private static CudaDevice device;
    private static CudaFftResources resources;

    @BeforeAll
    static void open() {
        device = gpuDevice();
        try (CudaDevice.Scope s = device.enter()) {
            resources = new CudaFftResources(device, Cufft.get(), CudaDriver.probe().cublas());
        }
    }

    @AfterAll
    static void close() {
        if (resources != null) {
            try (CudaDevice.Scope s = device.enter()) {
                resources.close();
            }
        }
    }

    // ---- CPU references of the fftconv.cu kernels ----

    static float[] padReference(float[] src, int planes, int rows, int cols, int top, int left, int nh, int nw) {
        float[] dst = new float[planes * nh * nw];
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < cols; x++) {
                    dst[(p * nh + top + y) * nw + left + x] = src[(p * rows + y) * cols + x];
                }
            }
        }
        return dst;
    }

    static float[] cropReference(float[] src, int nh, int nw, int planes, int r0, int nr, int c0, int nc, float scale, float[] bias,
                                 float[] dstBefore, boolean accumulate) {
        float[] dst = dstBefore.clone();
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < nr; y++) {
                for (int x = 0; x < nc; x++) {
                    float v = scale * src[(p * nh + r0 + y) * nw + c0 + x] + (bias == null ? 0f : bias[p % bias.length]);
                    int at = (p * nr + y) * nc + x;
                    dst[at] = accumulate ? dst[at] + v : v;
                }
            }
        }
        return dst;
    }

    /** Complex (interleaved) rows × cols to cols × rows. */
    static float[] transposeReference(float[] src, int rows, int cols) {
        float[] dst = new float[src.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                dst[2 * (c * rows + r)] = src[2 * (r * cols + c)];
                dst[2 * (c * rows + r) + 1] = src[2 * (r * cols + c) + 1];
            }
        }
        return dst;
    }

    // ---- kernel checks ----

    @Test
    void padPlacesEachPlaneInAZeroGrid() {
        Random rng = new Random(1);
        int planes = 7, rows = 5, cols = 9, top = 2, left = 3, nh = 10, nw = 14;
        Tensor src = rand(rng, planes, rows, cols);
        Tensor dst = poisoned(planes * nh * nw);
        try (CudaDevice.Scope s = device.enter()) {
            device.launch(device.kernel("fftconv", "fft_pad_planes"), device.grid((long) planes * nh * 32, 256), 256,
                    KernelArgs.of().ptr(address(gpu(src))).l(planes).i(rows).i(cols).i(top).i(left).ptr(address(dst)).i(nh).i(nw));
        }
        assertClose("fft_pad_planes", Tensor.of(padReference(src.toArray(), planes, rows, cols, top, left, nh, nw), planes * nh * nw), dst,
                0, 0);
    }

    @Test
    void cropNormalizesAddsBiasAndAccumulates() {
        Random rng = new Random(2);
        int planes = 6, nh = 9, nw = 12, r0 = 2, nr = 5, c0 = 3, nc = 7;
        Tensor src = rand(rng, planes * nh * nw);
        float[] bias = rand(rng, 3).toArray();
        for (boolean accumulate : new boolean[]{false, true}) {
            Tensor before = rand(rng, planes * nr * nc);
            Tensor dst = accumulate ? gpu(before) : poisoned(planes * nr * nc);
            try (CudaDevice.Scope s = device.enter()) {
                device.launch(device.kernel("fftconv", "fft_crop_planes"), device.grid((long) planes * nr * 32, 256), 256,
                        KernelArgs.of().ptr(address(gpu(src))).i(nh).i(nw).l(planes).i(r0).i(nr).i(c0).i(nc).f(0.125f)
                                .ptr(address(gpu(Tensor.of(bias, 3)))).i(3).i(accumulate).ptr(address(dst)));
            }
            float[] want = cropReference(src.toArray(), nh, nw, planes, r0, nr, c0, nc, 0.125f, bias, before.toArray(), accumulate);
            assertClose("fft_crop_planes accumulate=" + accumulate, Tensor.of(want, want.length), dst, 1e-6, 1e-6);
        }
    }

    @Test
    void transposeHandlesPartialTiles() {
        Random rng = new Random(3);
        int[][] sizes = {{37, 70}, {1, 33}, {65, 1}, {32, 32}, {100, 3}};
        for (int[] rc : sizes) {
            int rows = rc[0], cols = rc[1];
            Tensor src = rand(rng, 2 * rows * cols);
            Tensor dst = poisoned(2 * rows * cols);
            try (CudaDevice.Scope s = device.enter()) {
                resources.transpose(address(gpu(src)), rows, cols, address(dst));
            }
            float[] want = transposeReference(src.toArray(), rows, cols);
            assertClose("fft_transpose_c " + rows + "x" + cols, Tensor.of(want, want.length), dst, 0, 0);
        }
    }

    @Test
    void biasGradientSumsBatchAndPixels() {
        Random rng = new Random(4);
        int batch = 3, nOut = 5, plane = 37;
        Tensor go = rand(rng, batch, nOut, plane);
        Tensor before = rand(rng, nOut);
        Tensor gb = gpu(before);
        try (CudaDevice.Scope s = device.enter()) {
            device.launch(device.kernel("fftconv", "fft_bias_grad"), nOut, 256,
                    KernelArgs.of().ptr(address(gpu(go))).i(batch).i(nOut).l(plane).ptr(address(gb)));
        }
        float[] want = before.toArray();
        for (int o = 0; o < nOut; o++) {
            double sum = 0;
            for (int b = 0; b < batch; b++) {
                for (int q = 0; q < plane; q++) {
                    sum += go.getFlat(((long) b * nOut + o) * plane + q);
                }
            }
            want[o] = (float) (want[o] + sum);
        }
        assertClose("fft_bias_grad", Tensor.of(want, nOut), gb, 1e-6, 1e-6);
    }

    // ---- cuFFT binding ----

    /** A shape whose transform grid is rows × cols (only the grid matters to the transforms). */
    private static FftConvShape grid(int rows, int cols) {
        return new FftConvShape(1, 1, 1, rows, cols, new ConvGeometry(1, 1, 1, 1, 0, 0), rows, cols);
    }

    @Test
    void cufftSpectraInFreqPlaneLayoutMatchADftAndInvertScaledByTheGridSize() {
        Random rng = new Random(5);
        int planes = 5;
        int[][] grids = {{6, 10}, {7, 9}, {8, 16}};
        for (boolean strided : new boolean[]{true, false}) {
            for (int[] rc : grids) {
                int rows = rc[0], cols = rc[1], wc = cols / 2 + 1, freqs = rows * wc;
                FftConvShape s = grid(rows, cols);
                float[] x = rand(rng, planes * rows * cols).toArray();
                Tensor real = gpu(Tensor.of(x, x.length));
                Tensor spec = poisoned(2 * planes * freqs);
                Tensor back = poisoned(planes * rows * cols);
                try (CudaDevice.Scope sc = device.enter()) {
                    resources.forward(s, address(real), planes, address(spec), strided, "test");
                }
                float[] got = spec.toArray();
                double worst = 0;
                for (int p = 0; p < planes; p++) {
                    for (int fy = 0; fy < rows; fy++) {
                        for (int fx = 0; fx < wc; fx++) {
                            double re = 0, im = 0;
                            for (int u = 0; u < rows; u++) {
                                for (int v = 0; v < cols; v++) {
                                    double a = -2 * Math.PI * ((double) fy * u / rows + (double) fx * v / cols);
                                    double val = x[(p * rows + u) * cols + v];
                                    re += val * Math.cos(a);
                                    im += val * Math.sin(a);
                                }
                            }
                            int at = 2 * ((fy * wc + fx) * planes + p);
                            worst = Math.max(worst, Math.hypot(got[at] - re, got[at + 1] - im) / Math.sqrt(rows * cols));
                        }
                    }
                }
                assertTrue(worst < 1e-5, "R2C " + rows + "x" + cols + " strided=" + strided + ": worst error " + worst);
                try (CudaDevice.Scope sc = device.enter()) {
                    resources.inverse(s, address(spec), planes, address(back), strided, "test");
                }
                float[] b = back.toArray();
                for (int i = 0; i < x.length; i++) {
                    if (Math.abs(b[i] / (rows * cols) - x[i]) > 1e-5) {
                        fail("C2R " + rows + "x" + cols + " strided=" + strided + ": element " + i + " is " + b[i] / (rows * cols)
                                + " after the round trip, expected " + x[i]);
                    }
                }
            }
        }
    }

    // ---- complex GEMM binding ----

    /** Column-major complex m × n C = op(A) op(B), batch matrices apart by the given strides (complex elements). */
    static float[] gemmReference(int opA, int opB, int m, int n, int k, float[] a, int lda, int strideA, float[] b, int ldb, int strideB,
                                 int ldc, int strideC, int batch) {
        float[] c = new float[2 * strideC * batch];
        for (int q = 0; q < batch; q++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double re = 0, im = 0;
                    for (int l = 0; l < k; l++) {
                        int ai = q * strideA + (opA == CublasComplex.OP_N ? i + l * lda : l + i * lda);
                        int bi = q * strideB + (opB == CublasComplex.OP_N ? l + j * ldb : j + l * ldb);
                        double ar = a[2 * ai], aim = opA == CublasComplex.OP_C ? -a[2 * ai + 1] : a[2 * ai + 1];
                        double br = b[2 * bi], bim = opB == CublasComplex.OP_C ? -b[2 * bi + 1] : b[2 * bi + 1];
                        re += ar * br - aim * bim;
                        im += ar * bim + aim * br;
                    }
                    int ci = q * strideC + i + j * ldc;
                    c[2 * ci] = (float) re;
                    c[2 * ci + 1] = (float) im;
                }
            }
        }
        return c;
    }

    @Test
    void complexStridedBatchedGemmMatchesTheReferenceForTheThreeConvolutionForms() {
        Random rng = new Random(6);
        int m = 7, n = 5, k = 6, batch = 4;
        int[][] ops = {{CublasComplex.OP_C, CublasComplex.OP_N}, {CublasComplex.OP_N, CublasComplex.OP_N},
                {CublasComplex.OP_N, CublasComplex.OP_C}};
        boolean hasThreeM = new CublasComplex(CudaDriver.probe().cublas()).hasThreeM();
        for (boolean threeM : hasThreeM ? new boolean[]{false, true} : new boolean[]{false}) {
            for (int[] op : ops) {
                int lda = op[0] == CublasComplex.OP_N ? m : k, ldb = op[1] == CublasComplex.OP_N ? k : n, ldc = m;
                int sa = lda * (op[0] == CublasComplex.OP_N ? k : m), sb = ldb * (op[1] == CublasComplex.OP_N ? n : k), sc = m * n;
                float[] a = rand(rng, 2 * sa * batch).toArray(), b = rand(rng, 2 * sb * batch).toArray();
                Tensor c = poisoned(2 * sc * batch);
                try (CudaDevice.Scope s = device.enter()) {
                    resources.gemm(threeM, op[0], op[1], m, n, k, address(gpu(Tensor.of(a, a.length))), lda, sa,
                            address(gpu(Tensor.of(b, b.length))), ldb, sb, address(c), ldc, sc, batch, "test");
                }
                float[] want = gemmReference(op[0], op[1], m, n, k, a, lda, sa, b, ldb, sb, ldc, sc, batch);
                assertClose("complex GEMM ops " + op[0] + "/" + op[1] + " 3m=" + threeM, Tensor.of(want, want.length), c, 1e-5, 1e-5);
            }
        }
    }
}
