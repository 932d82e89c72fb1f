package dev.kindling.bench.gpu;

import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.CudaBackend;
import dev.kindling.cuda.DeviceTimer;
import dev.kindling.cuda.ops.CudaConv;
import dev.kindling.cuda.ops.TemporalConvAlgorithm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.kindling.bench.gpu.GpuBenchmark.hostRandom;
import static dev.kindling.bench.gpu.GpuBenchmark.median;
import static dev.kindling.bench.gpu.GpuBenchmark.result;

/**
 * The convolution rows of {@link GpuBenchmark} (sdk-cuda/scripts/gpu_bench_torch_conv.py is the PyTorch
 * side, same sizes): temporal convolution with both algorithms against {@code F.conv1d}, and direct spatial
 * convolution on a few layer shapes against {@code F.conv2d}. Rows are named
 * {@code <base>_<algorithm>} here and {@code torch_<base>_bench|default} there, which is how
 * gpu-check.sh pairs them.
 *
 * <p>The sweep is small on purpose (the whole GPU check must fit in one 10-minute command) and set by
 * environment variables read by both sides: {@code KINDLING_BENCH_CONV1D_K} (kernel widths, default
 * "3,5,7") and {@code KINDLING_BENCH_DCONV} (shape names from {@link #SPATIAL}, default all).
 */
final class ConvBenchmark {

    private static final Device GPU = Device.cuda(0);

    private ConvBenchmark() {
    }

    /** A spatial layer: batch, planes in and out, input height and width, square kernel, stride, padding. */
    record SpatialShape(String name, int batch, int nIn, int nOut, int h, int w, int k, int stride, int pad) {
        ConvGeometry geometry() {
            return new ConvGeometry(k, k, stride, stride, pad, pad);
        }
    }

    /** The 64→64 maps at batch 128 (valid convolution), and AlexNet's conv1 (strided) to conv3 at batch 128. */
    static final List<SpatialShape> SPATIAL = List.of(
            new SpatialShape("32x32_k5", 128, 64, 64, 32, 32, 5, 1, 0),
            new SpatialShape("64x64_k3", 128, 64, 64, 64, 64, 3, 1, 0),
            new SpatialShape("64x64_k7", 128, 64, 64, 64, 64, 7, 1, 0),
            new SpatialShape("alexnet1", 128, 3, 64, 224, 224, 11, 4, 2),
            new SpatialShape("alexnet2", 128, 64, 192, 27, 27, 5, 1, 2),
            new SpatialShape("alexnet3", 128, 192, 384, 13, 13, 3, 1, 1));

    static List<Integer> conv1dKernels() {
        List<Integer> ks = new ArrayList<>();
        for (String s : System.getenv().getOrDefault("KINDLING_BENCH_CONV1D_K", "3,5,7").split(",")) {
            if (!s.isBlank()) {
                ks.add(Integer.parseInt(s.trim()));
            }
        }
        return ks;
    }

    static List<SpatialShape> spatialShapes() {
        String only = System.getenv().getOrDefault("KINDLING_BENCH_DCONV", "");
        if (only.isBlank()) {
            return SPATIAL;
        }
        List<String> names = List.of(only.split(","));
        return SPATIAL.stream().filter(s -> names.contains(s.name())).toList();
    }

    /** conv1d, batch 128, 256 → 256 features, T 256, stride 1: forward + both backward passes, and forward alone. */
    static void conv1d(CudaBackend cuda, DeviceTimer timer) {
        int batch = 128, in = 256, out = 256, frames = 256;
        CudaConv base = (CudaConv) cuda.conv();
        for (int k : conv1dKernels()) {
            int steps = frames - k + 1;
            Tensor x = hostRandom(100 + k, 1f, batch, frames, in).to(GPU);
            Tensor w = hostRandom(200 + k, (float) (1 / Math.sqrt((double) k * in)), out, k, in).to(GPU);
            Tensor b = hostRandom(300 + k, 0.1f, out).to(GPU);
            Tensor go = hostRandom(400 + k, 1f, batch, steps, out).to(GPU);
            Tensor y = Tensor.zeros(GPU, batch, steps, out), gi = Tensor.zeros(GPU, batch, frames, in);
            Tensor gw = Tensor.zeros(GPU, out, k, in), gb = Tensor.zeros(GPU, out);
            for (TemporalConvAlgorithm a : TemporalConvAlgorithm.values()) {
                CudaConv ops = base.with(a, CudaConv.DEFAULT_WORKSPACE_BYTES);
                String tag = a.name().toLowerCase(Locale.ROOT);
                double both = median(timer, () -> {
                    ops.temporalForward(x, w, b, 1, y);
                    ops.temporalBackwardInput(go, w, 1, gi);
                    ops.temporalAccGradParameters(x, go, 1, gw, gb);
                });
                result("conv1d_k" + k + "_fwd_bwd_" + tag, both,
                        "[128, 256, 256] -> 256, kW " + k + ", " + tag + ", fwd + gradInput + gradWeight/bias");
                double fwd = median(timer, () -> ops.temporalForward(x, w, b, 1, y));
                result("conv1d_k" + k + "_fwd_" + tag, fwd, "forward only, " + tag);
            }
        }
        System.out.println("allocator after conv1d: " + cuda.memoryStats(GPU));
    }

    /** Direct (im2col + GEMM) spatial convolution, forward + both backward passes, and forward alone. */
    static void directSpatial(CudaBackend cuda, DeviceTimer timer) {
        var ops = cuda.conv();
        for (SpatialShape s : spatialShapes()) {
            ConvGeometry g = s.geometry();
            int oh = g.outHeight(s.h()), ow = g.outWidth(s.w());
            Tensor x = hostRandom(500, 1f, s.batch(), s.nIn(), s.h(), s.w()).to(GPU);
            Tensor w = hostRandom(501, (float) (1 / Math.sqrt((double) s.nIn() * s.k() * s.k())), s.nOut(), s.nIn(), s.k(), s.k()).to(GPU);
            Tensor b = hostRandom(502, 0.1f, s.nOut()).to(GPU);
            Tensor go = hostRandom(503, 1f, s.batch(), s.nOut(), oh, ow).to(GPU);
            Tensor y = Tensor.zeros(GPU, s.batch(), s.nOut(), oh, ow), gi = Tensor.zeros(GPU, s.batch(), s.nIn(), s.h(), s.w());
            Tensor gw = Tensor.zeros(GPU, s.nOut(), s.nIn(), s.k(), s.k()), gb = Tensor.zeros(GPU, s.nOut());
            String shape = String.format(Locale.ROOT, "B %d, %d->%d, %dx%d, k %d, stride %d, pad %d", s.batch(), s.nIn(), s.nOut(), s.h(),
                    s.w(), s.k(), s.stride(), s.pad());
            double both = median(timer, () -> {
                ops.spatialForward(x, w, b, g, y);
                ops.spatialBackwardInput(go, w, g, gi);
                ops.spatialAccGradParameters(x, go, g, gw, gb);
            });
            result("dconv_" + s.name() + "_fwd_bwd_direct", both, shape + ", im2col + GEMM");
            double fwd = median(timer, () -> ops.spatialForward(x, w, b, g, y));
            result("dconv_" + s.name() + "_fwd_direct", fwd, "forward only");
        }
        System.out.println("allocator after dconv: " + cuda.memoryStats(GPU));
    }
}
