package dev.kindling.bench.gpu;

import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.backend.FftConvWorkspace;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.CudaBackend;
import dev.kindling.cuda.DeviceTimer;
import dev.kindling.cuda.ops.CudaFftConv;
import dev.kindling.cuda.ops.FftConvShape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The convolution rows of the GPU benchmark, Kindling side (gpu_bench_torch.py's conv rows are the
 * cuDNN side, same cases): a training step (forward + gradInput + gradWeight + gradBias) of the FFT
 * convolution through a module workspace, float32, batch 128, and the forward alone. Prints
 * {@code RESULT|conv_fft_<case>|ms|note}.
 *
 * <p>Cases: square maps 32, 64, 128 × kernels 3–13, 64 → 64 planes, plus AlexNet conv2–conv5 (Krizhevsky
 * 2012, one tower: 96 → 256 5×5 on 27×27, then 3×3 on 13×13: 256 → 384, 384 → 384, 384 → 256).
 * {@code KINDLING_CONV_SWEEP=quick} runs a subset (the default when every benchmark runs),
 * {@code full} all of them (the default for {@code gpu-check.sh run fftconv});
 * {@code KINDLING_CONV_PAD=same} pads the square cases by k/2 (default: none, "valid");
 * {@code KINDLING_CONV_ITERS} sets the measured iterations (default 7, after 2 warm-up ones).
 * On two cases it also times the transposed layout and the 3m GEMM, to choose the defaults.
 */
final class FftConvGpuBenchmark {

    private static final Device GPU = Device.cuda(0);

    record Case(String name, int batch, int in, int out, int size, int k, int pad) {
    }

    private FftConvGpuBenchmark() {
    }

    static List<Case> cases(String sweep, boolean samePad) {
        boolean full = !sweep.equals("quick");
        List<Case> cs = new ArrayList<>();
        for (int size : new int[]{32, 64, 128}) {
            for (int k = 3; k <= 13; k += 2) {
                boolean quick = (size == 64 && (k == 3 || k == 7 || k == 13)) || (size == 128 && (k == 7 || k == 13));
                if (full || quick) {
                    cs.add(new Case(size + "x" + size + "_k" + k, 128, 64, 64, size, k, samePad ? k / 2 : 0));
                }
            }
        }
        cs.add(new Case("alexnet_conv2", 128, 96, 256, 27, 5, 2));
        cs.add(new Case("alexnet_conv3", 128, 256, 384, 13, 3, 1));
        if (full) {
            cs.add(new Case("alexnet_conv4", 128, 384, 384, 13, 3, 1));
            cs.add(new Case("alexnet_conv5", 128, 384, 256, 13, 3, 1));
        }
        return cs;
    }

    static double median(DeviceTimer timer, GpuBenchmark.Work w, int warmup, int iters) {
        for (int i = 0; i < warmup; i++) {
            timer.start();
            w.run();
            timer.stopMillis();
        }
        double[] ms = new double[iters];
        for (int i = 0; i < iters; i++) {
            timer.start();
            w.run();
            ms[i] = timer.stopMillis();
        }
        Arrays.sort(ms);
        return iters % 2 == 1 ? ms[iters / 2] : (ms[iters / 2 - 1] + ms[iters / 2]) / 2;
    }

    static void run(CudaBackend cuda, DeviceTimer timer, boolean explicitlyAsked) {
        String sweep = System.getenv().getOrDefault("KINDLING_CONV_SWEEP", explicitlyAsked ? "full" : "quick");
        boolean same = "same".equals(System.getenv("KINDLING_CONV_PAD"));
        int iters = Integer.parseInt(System.getenv().getOrDefault("KINDLING_CONV_ITERS", "7"));
        System.out.println("conv sweep " + sweep + ", padding " + (same ? "same" : "valid") + ", " + iters + " iterations");
        try (CudaFftConv fft = new CudaFftConv(CudaFftConv.Layout.STRIDED, false);
             CudaFftConv transposed = new CudaFftConv(CudaFftConv.Layout.TRANSPOSED, false);
             CudaFftConv gauss = new CudaFftConv(CudaFftConv.Layout.STRIDED, true)) {
            long seed = 100;
            for (Case c : cases(sweep, same)) {
                ConvGeometry g = new ConvGeometry(c.k(), c.k(), 1, 1, c.pad(), c.pad());
                int o = g.outHeight(c.size());
                Tensor x = GpuBenchmark.hostRandom(seed++, 1f, c.batch(), c.in(), c.size(), c.size()).to(GPU);
                Tensor w = GpuBenchmark.hostRandom(seed++, 0.05f, c.out(), c.in(), c.k(), c.k()).to(GPU);
                Tensor b = GpuBenchmark.hostRandom(seed++, 0.05f, c.out()).to(GPU);
                Tensor go = GpuBenchmark.hostRandom(seed++, 1f, c.batch(), c.out(), o, o).to(GPU);
                Tensor y = Tensor.zeros(GPU, c.batch(), c.out(), o, o), gi = Tensor.zeros(GPU, x.shape());
                Tensor gw = Tensor.zeros(GPU, w.shape()), gb = Tensor.zeros(GPU, c.out());
                String shape = String.format(Locale.ROOT, "B%d %d->%d %dx%d k%d pad %d", c.batch(), c.in(), c.out(), c.size(), c.size(),
                        c.k(), c.pad());
                FftConvShape s = FftConvShape.of(x, w, g);
                String grid = s.rows() + "x" + s.cols() + " grid";
                boolean variants = c.name().equals("64x64_k7") || c.name().equals("128x128_k13");
                for (CudaFftConv impl : variants ? List.of(fft, transposed, gauss) : List.of(fft)) {
                    String tag = impl == fft ? "" : impl == transposed ? "transposed_" : "3m_";
                    FftConvWorkspace ws = impl.newWorkspace();
                    try {
                        double step = median(timer, () -> {
                            ws.forward(x, w, b, g, y);
                            ws.backward(x, w, go, g, gi, gw, gb);
                        }, 2, iters);
                        GpuBenchmark.result("conv_fft_" + tag + c.name(), step, shape + ", fwd+bwd (6 FFTs), " + grid);
                        if (impl == fft) {
                            double fwd = median(timer, () -> impl.forward(x, w, b, g, y), 2, iters);
                            GpuBenchmark.result("conv_fftfwd_" + c.name(), fwd, shape + ", forward only");
                        }
                    } catch (RuntimeException e) {
                        System.out.println("conv_fft_" + tag + c.name() + " failed: " + e);
                    } finally {
                        ws.close();
                    }
                }
                // Free this case's tensors before the next, larger one.
                System.gc();
            }
        }
    }
}
