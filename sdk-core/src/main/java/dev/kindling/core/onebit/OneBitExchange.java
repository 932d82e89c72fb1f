package dev.kindling.core.onebit;

import dev.kindling.core.backend.QuantizationAxis;
import dev.kindling.core.backend.QuantizeOps;
import dev.kindling.core.backend.QuantizedGradient;
import dev.kindling.core.nn.Module;
import dev.kindling.core.nn.Parameter;
import dev.kindling.core.parallel.AllReduce;
import dev.kindling.core.parallel.GradientExchange;
import dev.kindling.core.parallel.ReplicaExecutor;
import dev.kindling.core.parallel.ReplicaGradients;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gradient exchange with 1-bit quantized messages, a reduce-scatter and an all-gather like a ring
 * all-reduce but with the blocks compressed both ways:
 *
 * <ol>
 *   <li>each gradient matrix is cut into n blocks (row ranges for per-row quantization, column ranges for
 *   per-column), block c belonging to replica c;</li>
 *   <li>every replica quantizes each block it does not own, with its own residual error feedback, and sends
 *   it to the block's owner;</li>
 *   <li>the owner sums the dequantized blocks and its own exact block, applies the optional
 *   {@link Smoothing}, quantizes the sum with a second (owner-side) residual, and sends it to everyone;</li>
 *   <li>every replica, owner included, writes the dequantized result into its gradient, so all replicas
 *   hold the same bits.</li>
 * </ol>
 *
 * <p>Each replica sends and receives about 2(n−1)/n of a gradient's 1-bit size, as a full-precision ring
 * all-reduce does of its 32-bit size. Gradients with fewer than {@code minElements} entries and row-sparse
 * gradients go through the full-precision ring all-reduce. All bytes sent are counted.
 */
public final class OneBitExchange implements GradientExchange {

    private final OneBitConfig config;
    private final Map<String, Tensor[]> workerResidual = new HashMap<>();
    private final Map<String, Tensor[]> ownerResidual = new HashMap<>();
    private final Map<String, Smoothing.State[]> ownerSmoothing = new HashMap<>();
    private final Map<String, Smoothing.State[]> replicaSmoothing = new HashMap<>();
    private final AtomicLong quantizedBytes = new AtomicLong();
    private final AtomicLong fullPrecisionBytes = new AtomicLong();

    public OneBitExchange(OneBitConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("1-bit exchange needs a configuration");
        }
        this.config = config;
    }

    public OneBitConfig config() {
        return config;
    }

    @Override
    public long bytesExchanged() {
        return quantizedBytes.get() + fullPrecisionBytes.get();
    }

    /** Bytes of 1-bit messages (bits plus reconstruction values) sent so far. */
    public long quantizedBytes() {
        return quantizedBytes.get();
    }

    /** Bytes of full-precision messages (small and row-sparse gradients) sent so far. */
    public long fullPrecisionBytes() {
        return fullPrecisionBytes.get();
    }

    /** Forgets the residuals and smoothing state (after a failed step, say). */
    public void reset() {
        workerResidual.clear();
        ownerResidual.clear();
        ownerSmoothing.clear();
        replicaSmoothing.clear();
    }

    @Override
    public void combine(List<? extends Module<?>> replicas, ReplicaExecutor executor) {
        int n = replicas.size();
        List<String> dense = ReplicaGradients.denseNames(replicas);
        List<String> quantized = new ArrayList<>();
        List<String> full = new ArrayList<>();
        Map<String, Parameter> ref = replicas.get(0).namedParameters();
        for (String name : dense) {
            (ref.get(name).value().numel() >= config.minElements() ? quantized : full).add(name);
        }
        AllReduce allReduce = new AllReduce(executor);
        try {
            if (!full.isEmpty()) {
                fullPrecision(replicas, executor, allReduce, full);
            }
            if (!quantized.isEmpty()) {
                oneBit(replicas, executor, quantized);
            }
            for (String name : ReplicaGradients.sparseNames(replicas)) {
                List<RowSparse> parts = replicas.stream().map(m -> ReplicaGradients.sparseOrEmpty(m.namedParameters().get(name))).toList();
                List<RowSparse> sums = allReduce.sumRows(parts);
                for (int i = 0; i < n; i++) {
                    replicas.get(i).namedParameters().get(name).setSparseGrad(sums.get(i));
                }
            }
        } finally {
            fullPrecisionBytes.addAndGet(allReduce.bytesExchanged());
        }
    }

    private void fullPrecision(List<? extends Module<?>> replicas, ReplicaExecutor executor, AllReduce allReduce, List<String> names) {
        int n = replicas.size();
        List<Tensor> buckets = executor.runAll("gradient pack", i -> () -> ReplicaGradients.pack(replicas.get(i), names, executor.devices().get(i).device()));
        allReduce.sum(buckets);
        for (String name : names) {
            replicaSmoothing.computeIfAbsent(name, k -> newStates(n));
        }
        executor.runAll("gradient unpack", i -> () -> {
            Map<String, Parameter> ps = replicas.get(i).namedParameters();
            int at = 0;
            for (String name : names) {
                Tensor g = ps.get(name).grad();
                int len = (int) g.numel();
                g.view(-1).copyFrom(buckets.get(i).narrow(at, len));
                at += len;
                config.smoothing().apply(g, replicaSmoothing.get(name)[i]);
            }
            return null;
        });
    }

    private void oneBit(List<? extends Module<?>> replicas, ReplicaExecutor executor, List<String> names) {
        int n = replicas.size();
        QuantizationAxis axis = config.axis();
        List<Block[]> blocks = new ArrayList<>();
        for (String name : names) {
            Tensor m = OneBitQuantizer.asMatrix(replicas.get(0).namedParameters().get(name).value());
            blocks.add(Block.split(m.size(0), m.size(1), n, axis));
            workerResidual.computeIfAbsent(name, k -> {
                Tensor[] rs = new Tensor[n];
                for (int r = 0; r < n; r++) {
                    rs[r] = Tensor.zeros(executor.devices().get(r).device(), m.size(0), m.size(1));
                }
                return rs;
            });
            Block[] bs = blocks.get(blocks.size() - 1);
            ownerResidual.computeIfAbsent(name, k -> {
                Tensor[] rs = new Tensor[n];
                for (int c = 0; c < n; c++) {
                    rs[c] = Tensor.zeros(executor.devices().get(c).device(), bs[c].rows, bs[c].cols);
                }
                return rs;
            });
            ownerSmoothing.computeIfAbsent(name, k -> newStates(n));
        }
        int p = names.size();
        QuantizedGradient[][][] sent = new QuantizedGradient[n][p][n];
        QuantizedGradient[][] combined = new QuantizedGradient[p][n];

        executor.runAll("1-bit quantize", r -> () -> {
            Map<String, Parameter> ps = replicas.get(r).namedParameters();
            for (int k = 0; k < p; k++) {
                Tensor g = OneBitQuantizer.asMatrix(ps.get(names.get(k)).grad());
                Tensor res = workerResidual.get(names.get(k))[r];
                QuantizeOps ops = g.backend().quantize();
                for (int c = 0; c < n; c++) {
                    if (c != r) {
                        Block b = blocks.get(k)[c];
                        sent[r][k][c] = ops.quantize(b.rowsOf(g), b.rowsOf(res), b.col0, b.cols, axis);
                    }
                }
            }
            return null;
        });
        executor.runAll("1-bit reduce", c -> () -> {
            Device device = executor.devices().get(c).device();
            Map<String, Parameter> ps = replicas.get(c).namedParameters();
            for (int k = 0; k < p; k++) {
                Block b = blocks.get(k)[c];
                Tensor own = OneBitQuantizer.asMatrix(ps.get(names.get(k)).grad());
                Tensor sum = Tensor.zeros(device, b.rows, b.cols);
                QuantizeOps ops = sum.backend().quantize();
                for (int r = 0; r < n; r++) {
                    if (r == c) {
                        b.addInto(own, sum);
                    } else {
                        receive(executor, c, sent[r][k][c]);
                        ops.dequantize(sent[r][k][c], sum, 0, true);
                    }
                }
                config.smoothing().apply(sum, ownerSmoothing.get(names.get(k))[c]);
                combined[k][c] = ops.quantize(sum, ownerResidual.get(names.get(k))[c], 0, b.cols, axis);
            }
            return null;
        });
        executor.runAll("1-bit all-gather", r -> () -> {
            Map<String, Parameter> ps = replicas.get(r).namedParameters();
            for (int k = 0; k < p; k++) {
                Tensor g = OneBitQuantizer.asMatrix(ps.get(names.get(k)).grad());
                QuantizeOps ops = g.backend().quantize();
                for (int c = 0; c < n; c++) {
                    if (c != r) {
                        receive(executor, r, combined[k][c]);
                    }
                    Block b = blocks.get(k)[c];
                    ops.dequantize(combined[k][c], b.rowsOf(g), b.col0, false);
                }
            }
            return null;
        });
    }

    private void receive(ReplicaExecutor executor, int device, QuantizedGradient q) {
        long bytes = q.byteSize();
        executor.devices().get(device).recordBytesMoved(bytes);
        quantizedBytes.addAndGet(bytes);
    }

    private static Smoothing.State[] newStates(int n) {
        Smoothing.State[] s = new Smoothing.State[n];
        for (int i = 0; i < n; i++) {
            s[i] = new Smoothing.State();
        }
        return s;
    }

    /** Block c of a matrix: rows [row0, row0 + rows) and columns [col0, col0 + cols). */
    private record Block(int row0, int rows, int col0, int cols) {

        static Block[] split(int rows, int cols, int n, QuantizationAxis axis) {
            Block[] bs = new Block[n];
            for (int c = 0; c < n; c++) {
                if (axis == QuantizationAxis.PER_ROW) {
                    int lo = (int) ((long) c * rows / n), hi = (int) ((long) (c + 1) * rows / n);
                    bs[c] = new Block(lo, hi - lo, 0, cols);
                } else {
                    int lo = (int) ((long) c * cols / n), hi = (int) ((long) (c + 1) * cols / n);
                    bs[c] = new Block(0, rows, lo, hi - lo);
                }
            }
            return bs;
        }

        Tensor rowsOf(Tensor m) {
            return m.narrow(row0, rows);
        }

        /** sum += this block of {@code m} (sum is rows × cols). */
        void addInto(Tensor m, Tensor sum) {
            Tensor src = rowsOf(m);
            if (col0 == 0 && cols == m.size(1)) {
                sum.backend().blas().axpy(1f, src, sum);
                return;
            }
            for (int r = 0; r < rows; r++) {
                Tensor srcRow = src.select(r).view(-1).narrow(col0, cols);
                sum.backend().blas().axpy(1f, srcRow, sum.select(r));
            }
        }
    }
}
