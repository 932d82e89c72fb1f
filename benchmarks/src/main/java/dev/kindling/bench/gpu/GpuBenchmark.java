package dev.kindling.bench.gpu;

import dev.kindling.core.backend.Backend;
import dev.kindling.core.backend.Backends;
import dev.kindling.core.backend.HsmTables;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.CudaBackend;
import dev.kindling.cuda.DeviceTimer;
import dev.kindling.cuda.memory.DeviceBlock;
import dev.kindling.cuda.ops.DeviceSort;
import dev.kindling.cuda.runtime.CudaDevice;
import dev.kindling.cuda.runtime.KernelArgs;

import java.util.Arrays;

import static dev.kindling.cuda.runtime.CudaStorage.address;

/**
 * The GPU benchmark, Kindling side (sdk-cuda/scripts/gpu_bench_torch.py is the PyTorch side with the same
 * sizes and the same generated ids/targets). Device-side timing with CUDA events around each iteration,
 * warm-up first, median of the measured iterations. Prints {@code RESULT|row|milliseconds|note} lines
 * that sdk-cuda/scripts/gpu-check.sh turns into the final table. Some rows time the parts of an op
 * through the backend's internals (devices, kernels, the sort primitives), which are public for this.
 * Runs with sdk-cuda on the class path, as {@code gpu-check.sh run} does: the shaded JMH jar leaves it out.
 */
public final class GpuBenchmark {

    private static final Device GPU = Device.cuda(0);
    private static final int WARMUP = 5;
    private static final int ITERS = 20;

    private GpuBenchmark() {
    }

    /** The generator shared with the Python script: a 64-bit LCG, uniform doubles from the top 53 bits. */
    static final class Lcg {
        private long state;

        Lcg(long seed) {
            state = seed;
        }

        double next() {
            state = state * 6364136223846793005L + 1442695040888963407L;
            return (state >>> 11) * 0x1.0p-53;
        }

        /** Uniform ids in [0, n). */
        int uniform(int n) {
            return (int) Math.min(n - 1, (long) (next() * n));
        }

        /** Log-uniform (Zipf-like) class ids in [0, n): frequent classes have small ids. */
        int logUniform(int n) {
            return (int) Math.min(n - 1, Math.max(0, (long) Math.floor(Math.exp(next() * Math.log(n))) - 1));
        }
    }

    interface Work {
        void run();
    }

    static double median(DeviceTimer timer, Work w) {
        for (int i = 0; i < WARMUP; i++) {
            timer.start();
            w.run();
            timer.stopMillis();
        }
        double[] ms = new double[ITERS];
        for (int i = 0; i < ITERS; i++) {
            timer.start();
            w.run();
            ms[i] = timer.stopMillis();
        }
        Arrays.sort(ms);
        return (ms[ITERS / 2 - 1] + ms[ITERS / 2]) / 2;
    }

    static void result(String row, double ms, String note) {
        System.out.printf(java.util.Locale.ROOT, "RESULT|%s|%.4f|%s%n", row, ms, note);
    }

    /** A host tensor of non-zero pseudo-random values in ±scale (fast: no per-element Random calls). */
    static Tensor hostRandom(long seed, float scale, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] chunk = new float[1 << 20];
        Lcg g = new Lcg(seed);
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (float) ((g.next() * 2 - 1) * scale + 1e-3);
        }
        for (long off = 0; off < t.numel(); off += chunk.length) {
            int n = (int) Math.min(chunk.length, t.numel() - off);
            java.lang.foreign.MemorySegment.copy(chunk, 0, t.segment(), java.lang.foreign.ValueLayout.JAVA_FLOAT, off * 4, n);
        }
        return t;
    }

    public static void main(String[] args) {
        if (!Backends.isAvailable("cuda")) {
            System.out.println("CUDA unavailable: " + Backends.unavailable().get("cuda"));
            System.exit(2);
        }
        CudaBackend cuda = (CudaBackend) Backends.forDevice(GPU);
        System.out.println("device: " + cuda.deviceName(GPU));
        DeviceTimer timer = new DeviceTimer(cuda, GPU);
        String only = args.length > 0 ? args[0] : "";
        if (only.isEmpty() || only.contains("embbag")) {
            embeddingBag(cuda, timer);
        }
        if (only.isEmpty() || only.contains("hsm")) {
            hsm(cuda, timer);
        }
        if (only.isEmpty() || only.contains("lp")) {
            featureLp(cuda, timer);
        }
        if (only.isEmpty() || only.contains("onebit")) {
            oneBit(cuda, timer);
        }
        if (only.isEmpty() || only.contains("conv1d")) {
            ConvBenchmark.conv1d(cuda, timer);
        }
        if (only.isEmpty() || only.contains("dconv")) {
            ConvBenchmark.directSpatial(cuda, timer);
        }
        if (only.isEmpty() || only.contains("fftconv")) {
            FftConvGpuBenchmark.run(cuda, timer, only.contains("fftconv"));
        }
        System.out.println("allocator: " + cuda.memoryStats(GPU));
    }

    static void embeddingBag(Backend cuda, DeviceTimer timer) {
        int rows = 1_000_000, dim = 128, bags = 4096, per = 20;
        Tensor table = hostRandom(1, 0.1f, rows, dim).to(GPU);
        Lcg g = new Lcg(42);
        int[] ids = new int[bags * per], offsets = new int[bags];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = g.uniform(rows);
        }
        for (int b = 0; b < bags; b++) {
            offsets[b] = b * per;
        }
        IndexTensor idx = IndexTensor.of(ids), off = IndexTensor.of(offsets);
        Tensor out = Tensor.zeros(GPU, bags, dim);
        Tensor grad = hostRandom(2, 1f, bags, dim).to(GPU);
        double ms = median(timer, () -> {
            cuda.embedding().embeddingBag(table, idx, off, null, true, -1, out);
            RowSparse rs = cuda.embedding().embeddingBagBackward(idx, off, null, true, -1, grad, rows);
            if (rs.nnzRows() == 0) {
                throw new IllegalStateException("empty gradient");
            }
        });
        result("embbag_fwd_bwd", ms, "1M x 128, 4096 bags x 20 ids, mean; row-sparse gradient (ids uploaded from the host each call)");
        double fwd = median(timer, () -> cuda.embedding().embeddingBag(table, idx, off, null, true, -1, out));
        result("embbag_fwd", fwd, "forward only");
        double bwd = median(timer, () -> cuda.embedding().embeddingBagBackward(idx, off, null, true, -1, grad, rows));
        result("embbag_bwd", bwd, "backward only (where the fwd+bwd time goes)");
        // The backward's parts: the stable radix sort of (id, position) pairs and one prefix sum, alone.
        CudaDevice d = CudaDevice.of(out);
        long bytes = 4L * ids.length;
        try (CudaDevice.Scope s = d.enter(); DeviceBlock keys = d.upload(ids); DeviceBlock k1 = d.allocate(bytes);
             DeviceBlock v1 = d.allocate(bytes); DeviceBlock k2 = d.allocate(bytes); DeviceBlock va = d.allocate(bytes)) {
            double sort = median(timer, () -> {
                d.copyDeviceToDevice(keys.address(), k1.address(), bytes);
                DeviceSort.sortPairs(d, k1.address(), v1.address(), k2.address(), va.address(), ids.length, DeviceSort.bitsFor(rows));
            });
            result("embbag_bwd_part_sort", sort, "radix sort of 81,920 pairs, 20 bits (3 passes of 8 bits)");
            double scan = median(timer, () -> DeviceSort.exclusiveScan(d, va.address(), ids.length));
            result("embbag_bwd_part_scan", scan, "one exclusive scan of 81,920 ints");
            double download = median(timer, () -> d.downloadInts(keys.address(), 1));
            result("embbag_bwd_part_sync_download", download, "one 4-byte download (a host round trip)");
        }
    }

    static HsmTables hsmTables(int classes, int[] cutoffs, int dim, Device device) {
        int nc = cutoffs.length + 1;
        int[] memberStart = new int[nc + 1];
        for (int c = 0; c < cutoffs.length; c++) {
            memberStart[c + 1] = cutoffs[c];
        }
        memberStart[nc] = classes;
        int[] members = new int[classes], cluster = new int[classes], index = new int[classes];
        for (int c = 0; c < nc; c++) {
            for (int k = memberStart[c]; k < memberStart[c + 1]; k++) {
                members[k] = k;
                cluster[k] = c;
                index[k] = k - memberStart[c];
            }
        }
        return HsmTables.of(hostRandom(3, 0.05f, nc, dim).to(device), hostRandom(4, 0.05f, nc).to(device),
                hostRandom(5, 0.05f, classes, dim).to(device), hostRandom(6, 0.05f, classes, 1).to(device), memberStart, members, cluster,
                index);
    }

    static void hsm(Backend cuda, DeviceTimer timer) {
        int classes = 1_000_000, dim = 128, batch = 4096;
        // The cluster sizes of AdaptiveLogSoftmaxWithLoss(cutoffs=[2000, 20000, 200000]): 2000, 18000, 180000, 800000.
        HsmTables t = hsmTables(classes, new int[]{2000, 20000, 200000}, dim, GPU);
        Lcg g = new Lcg(7);
        int[] targets = new int[batch];
        for (int b = 0; b < batch; b++) {
            targets[b] = g.logUniform(classes);
        }
        IndexTensor tg = IndexTensor.of(targets);
        Tensor x = hostRandom(8, 1f, batch, dim).to(GPU);
        Tensor lp = Tensor.zeros(GPU, batch), gi = Tensor.zeros(GPU, batch, dim), ones = Tensor.zeros(GPU, batch);
        cuda.blas().fill(ones, 1f / batch);
        Tensor cwg = Tensor.zeros(GPU, 4, dim), cbg = Tensor.zeros(GPU, 4);
        double ms = median(timer, () -> {
            cuda.hsm().targetLogProbs(t, x, tg, lp);
            cuda.hsm().backward(t, x, tg, ones, gi, cwg, cbg);
        });
        result("hsm_fwd_bwd", ms, "1M classes, d=128, batch 4096, clusters 2000/18000/180000/800000, log-uniform targets");
        Tensor loss = Tensor.zeros(GPU, batch);
        double step = median(timer, () -> cuda.hsm().trainStep(t, x, tg, 1e-4f, gi, loss));
        result("hsm_trainstep", step, "same, direct SGD update (no gradient buffers)");
    }

    static void featureLp(Backend cuda, DeviceTimer timer) {
        int b = 32, f = 256, r = 2048, width = 4, stride = 2;
        int fo = (f - width) / stride + 1;
        Tensor x = hostRandom(9, 1f, b, f, r).to(GPU);
        Tensor y = Tensor.zeros(GPU, b, fo, r), go = hostRandom(10, 1f, b, fo, r).to(GPU), gi = Tensor.zeros(GPU, b, f, r);
        double ms = median(timer, () -> {
            cuda.pooling().featureLpForward(x, width, stride, 2f, y);
            cuda.pooling().featureLpBackward(x, y, go, width, stride, 2f, gi);
        });
        result("featlp_fwd_bwd", ms, "[32, 256, 2048], width 4, stride 2, p=2");
    }

    static void oneBit(CudaBackend cuda, DeviceTimer timer) {
        int rows = 4096, cols = 4096;
        Tensor grad = hostRandom(11, 1f, rows, cols).to(GPU), res = hostRandom(12, 0.01f, rows, cols).to(GPU);
        Tensor out = Tensor.zeros(GPU, rows, cols);
        CudaDevice d = CudaDevice.of(grad);
        int words = rows * cols / 32;
        DeviceBlock pos = d.allocate(rows * 4L), neg = d.allocate(rows * 4L), bits = d.allocate(words * 4L), bad = d.allocate(4);
        double ms = median(timer, () -> {
            try (CudaDevice.Scope s = d.enter()) {
                d.launch(d.kernel("quantize", "quantize_row_means"), d.grid(rows, 1), 256,
                        KernelArgs.of().ptr(address(grad)).ptr(address(res)).i(cols).i(rows).i(cols).ptr(pos.address()).ptr(neg.address())
                                .ptr(bad.address()));
                d.launch(d.kernel("quantize", "quantize_pack"), d.grid((long) words * 32, 256), 256,
                        KernelArgs.of().ptr(address(grad)).ptr(address(res)).i(cols).i(rows).i(cols).i(1).ptr(pos.address())
                                .ptr(neg.address()).ptr(bits.address()));
                d.launch(d.kernel("quantize", "dequantize"), d.grid((long) rows * cols, 256), 256,
                        KernelArgs.of().ptr(bits.address()).ptr(pos.address()).ptr(neg.address()).i(1).ptr(address(out)).i(cols).i(rows)
                                .i(cols).i(0));
            }
        });
        // Bytes that must move: read gradient and residual twice (means, pack), write residual and bits,
        // read bits, write the output.
        long n = (long) rows * cols;
        double bytes = n * 4.0 * 6 + words * 8.0;
        result("onebit_quant_dequant", ms, String.format(java.util.Locale.ROOT, "4096x4096 per-row, %.0f GB/s effective", bytes / ms / 1e6));
        double api = median(timer, () -> {
            var q = cuda.quantize().quantize(grad, res, 0, cols, dev.kindling.core.backend.QuantizationAxis.PER_ROW);
            cuda.quantize().dequantize(q, out, 0, false);
        });
        result("onebit_ops_quant_dequant", api, "QuantizeOps API: bits and means travel through the host (the exchange format)");
        double copy = median(timer, () -> cuda.copy(grad, out));
        result("device_copy_64MiB", copy, String.format(java.util.Locale.ROOT, "%.0f GB/s (read + write)", n * 8.0 / copy / 1e6));
        pos.close();
        neg.close();
        bits.close();
        bad.close();
    }
}
