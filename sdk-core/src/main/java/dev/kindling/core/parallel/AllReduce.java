package dev.kindling.core.parallel;

import dev.kindling.core.device.ComputeDevice;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.tensor.TensorSlicing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ring all-reduce (sum) over the devices of a {@link ReplicaExecutor}: a reduce-scatter of n chunks in
 * n−1 steps (each device adds the chunk its left neighbour sends), then an all-gather in n−1 steps (each
 * device copies the finished chunk its neighbour sends). Every device sends and receives 2(n−1)/n of
 * the data, whatever n is, and no device gathers everything. Each finished chunk is computed once and
 * copied to the others, so afterwards all devices hold the same bits.
 *
 * <p>Each step is one task per receiving device, and the steps are joined with the executor's deadline:
 * a failing or stuck device fails the reduction instead of leaving its neighbours waiting.
 */
public final class AllReduce {

    private final ReplicaExecutor executor;
    private final AtomicLong bytesExchanged = new AtomicLong();

    public AllReduce(ReplicaExecutor executor) {
        this.executor = executor;
    }

    /** Bytes sent between devices by all reductions so far. */
    public long bytesExchanged() {
        return bytesExchanged.get();
    }

    /**
     * Replaces every {@code buffers[i]} (on device i, all with the same number of elements) by the sum of
     * all of them.
     */
    public void sum(List<Tensor> buffers) {
        int n = executor.size();
        requireCount(buffers.size(), n);
        long m = buffers.get(0).numel();
        for (int i = 0; i < n; i++) {
            Tensor b = buffers.get(i);
            if (b.numel() != m) {
                throw new IllegalArgumentException("all-reduce buffers differ in size: " + m + " vs " + b.numel() + " on replica " + i);
            }
            if (!b.device().equals(executor.devices().get(i).device())) {
                throw new IllegalArgumentException("all-reduce buffer " + i + " lives on " + b.device() + ", not on "
                        + executor.devices().get(i).device());
            }
        }
        if (n == 1 || m == 0) {
            return;
        }
        if (m > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("all-reduce of " + m + " elements: split the buffer below 2^31 elements");
        }
        List<Tensor> flat = buffers.stream().map(b -> b.view(-1)).toList();
        long[] bound = new long[n + 1];
        for (int c = 0; c <= n; c++) {
            bound[c] = c * m / n;
        }
        int maxChunk = 0;
        for (int c = 0; c < n; c++) {
            maxChunk = (int) Math.max(maxChunk, bound[c + 1] - bound[c]);
        }
        int chunkCap = maxChunk;
        List<Tensor> scratch = executor.runAll("all-reduce setup",
                q -> () -> Tensor.zeros(executor.devices().get(q).device(), chunkCap));
        for (int step = 0; step < n - 1; step++) {
            int s = step;
            executor.runAll("all-reduce reduce-scatter step " + step, q -> () -> {
                int r = (q - 1 + n) % n;
                int c = ((r - s) % n + n) % n;
                int lo = (int) bound[c], len = (int) (bound[c + 1] - bound[c]);
                if (len > 0) {
                    Tensor tmp = scratch.get(q).narrow(0, len);
                    receive(q, flat.get(r).narrow(lo, len), tmp);
                    tmp.backend().blas().axpy(1f, tmp, flat.get(q).narrow(lo, len));
                }
                return null;
            });
        }
        for (int step = 0; step < n - 1; step++) {
            int s = step;
            executor.runAll("all-reduce all-gather step " + step, q -> () -> {
                int r = (q - 1 + n) % n;
                int c = ((r + 1 - s) % n + n) % n;
                int lo = (int) bound[c], len = (int) (bound[c + 1] - bound[c]);
                if (len > 0) {
                    receive(q, flat.get(r).narrow(lo, len), flat.get(q).narrow(lo, len));
                }
                return null;
            });
        }
    }

    /**
     * The sum of row-sparse tensors (one per device, same total rows and width), as one row-sparse tensor per
     * device, all equal. The rows are split into n ranges that travel the ring like the chunks of {@link #sum}.
     */
    public List<RowSparse> sumRows(List<RowSparse> parts) {
        int n = executor.size();
        requireCount(parts.size(), n);
        int total = parts.get(0).totalRows(), dim = parts.get(0).dim();
        for (int i = 0; i < n; i++) {
            RowSparse p = parts.get(i);
            if (p.totalRows() != total || p.dim() != dim) {
                throw new IllegalArgumentException("all-reduce row-sparse shapes differ: [" + total + ", " + dim + "] vs ["
                        + p.totalRows() + ", " + p.dim() + "] on replica " + i);
            }
        }
        if (n == 1) {
            return List.of(parts.get(0));
        }
        int[] bound = new int[n + 1];
        for (int c = 0; c <= n; c++) {
            bound[c] = (int) ((long) c * total / n);
        }
        RowSparse[][] chunk = new RowSparse[n][n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                chunk[r][c] = rowRange(parts.get(r), bound[c], bound[c + 1]);
            }
        }
        for (int step = 0; step < n - 1; step++) {
            int s = step;
            executor.runAll("sparse all-reduce reduce-scatter step " + step, q -> () -> {
                int r = (q - 1 + n) % n;
                int c = ((r - s) % n + n) % n;
                RowSparse received = receiveRows(q, chunk[r][c]);
                chunk[q][c] = received.values().backend().embedding().addRows(chunk[q][c], received);
                return null;
            });
        }
        for (int step = 0; step < n - 1; step++) {
            int s = step;
            executor.runAll("sparse all-reduce all-gather step " + step, q -> () -> {
                int r = (q - 1 + n) % n;
                int c = ((r + 1 - s) % n + n) % n;
                chunk[q][c] = receiveRows(q, chunk[r][c]);
                return null;
            });
        }
        return executor.runAll("sparse all-reduce join", q -> () -> join(chunk[q], q, total, dim));
    }

    private void receive(int q, Tensor src, Tensor dst) {
        ComputeDevice d = executor.devices().get(q);
        dst.copyFrom(src);
        long bytes = src.numel() * Float.BYTES;
        d.recordBytesMoved(bytes);
        bytesExchanged.addAndGet(bytes);
    }

    private RowSparse receiveRows(int q, RowSparse src) {
        ComputeDevice d = executor.devices().get(q);
        Tensor values = Tensor.zeros(d.device(), src.nnzRows(), src.dim());
        values.copyFrom(src.values());
        long bytes = (long) src.nnzRows() * Integer.BYTES + src.values().numel() * Float.BYTES;
        d.recordBytesMoved(bytes);
        bytesExchanged.addAndGet(bytes);
        return new RowSparse(IndexTensor.wrap(src.rows().data().clone(), src.nnzRows()), values, src.totalRows());
    }

    private RowSparse join(RowSparse[] chunks, int q, int total, int dim) {
        int rows = 0;
        for (RowSparse c : chunks) {
            rows += c.nnzRows();
        }
        int[] ids = new int[rows];
        List<Tensor> values = new ArrayList<>();
        int at = 0;
        for (RowSparse c : chunks) {
            System.arraycopy(c.rows().data(), 0, ids, at, c.nnzRows());
            at += c.nnzRows();
            values.add(c.values());
        }
        Tensor v = TensorSlicing.concat(values, 0, executor.devices().get(q).device());
        return new RowSparse(IndexTensor.wrap(ids, rows), v, total);
    }

    /** The rows of {@code g} with ids in [lo, hi) (a view of its values). */
    static RowSparse rowRange(RowSparse g, int lo, int hi) {
        int[] ids = g.rows().data();
        int a = lowerBound(ids, lo), b = lowerBound(ids, hi);
        return new RowSparse(IndexTensor.wrap(Arrays.copyOfRange(ids, a, b), b - a), g.values().narrow(a, b - a), g.totalRows());
    }

    private static int lowerBound(int[] sorted, int key) {
        int lo = 0, hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static void requireCount(int got, int n) {
        if (got != n) {
            throw new IllegalArgumentException("all-reduce over " + n + " devices was given " + got + " buffers");
        }
    }
}
