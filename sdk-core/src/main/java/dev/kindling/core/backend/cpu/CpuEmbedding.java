package dev.kindling.core.backend.cpu;

import dev.kindling.core.backend.EmbeddingOps;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.stream.IntStream;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * {@link EmbeddingOps} on host memory. Backward passes sort (id, position) pairs and reduce each run of
 * equal ids in position order: the same sums in the same order on every run, on any number of threads.
 */
final class CpuEmbedding implements EmbeddingOps {

    /** Bags per parallel task; below this the forward pass stays on the calling thread. */
    private static final int BAGS_PER_TASK = 256;

    private final CpuKernels kernels;

    CpuEmbedding(CpuKernels kernels) {
        this.kernels = kernels;
    }

    @Override
    public void gatherRows(Tensor table, IndexTensor ids, Tensor out) {
        int dim = table.size(1);
        MemorySegment t = table.segment(), o = out.segment();
        long rowBytes = (long) dim * Float.BYTES;
        for (int i = 0; i < ids.numel(); i++) {
            MemorySegment.copy(t, (table.offset() + (long) ids.get(i) * dim) * Float.BYTES,
                    o, (out.offset() + (long) i * dim) * Float.BYTES, rowBytes);
        }
    }

    @Override
    public void embeddingBag(Tensor table, IndexTensor ids, IndexTensor offsets, Tensor perIdWeights, boolean mean,
                             int paddingId, Tensor out) {
        int bags = offsets.numel();
        int dim = table.size(1);
        MemorySegment t = table.segment(), o = out.segment();
        MemorySegment w = perIdWeights == null ? null : perIdWeights.segment();
        long wOff = perIdWeights == null ? 0 : perIdWeights.offset();
        IntStream range = IntStream.range(0, (bags + BAGS_PER_TASK - 1) / BAGS_PER_TASK);
        if (ids.numel() >= 4 * BAGS_PER_TASK) {
            range = range.parallel();
        }
        range.forEach(task -> {
            int end = Math.min(bags, (task + 1) * BAGS_PER_TASK);
            for (int b = task * BAGS_PER_TASK; b < end; b++) {
                long ob = out.offset() + (long) b * dim;
                o.asSlice(ob * Float.BYTES, (long) dim * Float.BYTES).fill((byte) 0);
                int from = offsets.get(b), to = bagEnd(offsets, b, ids.numel());
                int count = 0;
                for (int i = from; i < to; i++) {
                    int id = ids.get(i);
                    if (id == paddingId) {
                        continue;
                    }
                    float wi = w == null ? 1f : w.getAtIndex(JAVA_FLOAT, wOff + i);
                    kernels.axpy(wi, t, table.offset() + (long) id * dim, o, ob, dim);
                    count++;
                }
                if (mean && count > 1) {
                    float inv = 1f / count;
                    for (int j = 0; j < dim; j++) {
                        o.setAtIndex(JAVA_FLOAT, ob + j, o.getAtIndex(JAVA_FLOAT, ob + j) * inv);
                    }
                }
            }
        });
    }

    @Override
    public RowSparse lookupBackward(IndexTensor ids, Tensor gradOutput, int paddingId, int totalRows) {
        return sumPerId(ids, paddingId, gradOutput, pos -> pos, null, totalRows);
    }

    @Override
    public RowSparse embeddingBagBackward(IndexTensor ids, IndexTensor offsets, Tensor perIdWeights, boolean mean,
                                          int paddingId, Tensor gradOutput, int totalRows) {
        int[] bagOf = new int[ids.numel()];
        float[] scale = positionScales(ids, offsets, perIdWeights, mean, paddingId, bagOf);
        return sumPerId(ids, paddingId, gradOutput, pos -> bagOf[pos], scale, totalRows);
    }

    /**
     * For each distinct id (ascending), the sum over its positions p (in position order) of
     * scale[p] · src[rowOf(p)]: the deterministic reduction both backward passes share.
     */
    private RowSparse sumPerId(IndexTensor ids, int paddingId, Tensor src, java.util.function.IntUnaryOperator rowOf, float[] scale,
                               int totalRows) {
        int dim = src.size(-1);
        long[] order = sortedPairs(ids, paddingId);
        int unique = countRuns(order);
        int[] rows = new int[unique];
        Tensor values = Tensor.zeros(unique, dim);
        MemorySegment g = src.segment(), v = values.segment();
        int u = -1, prev = -1;
        for (long key : order) {
            int id = (int) (key >>> 32), pos = (int) key;
            if (id != prev) {
                rows[++u] = id;
                prev = id;
            }
            kernels.axpy(scale == null ? 1f : scale[pos], g, src.offset() + (long) rowOf.applyAsInt(pos) * dim, v, (long) u * dim, dim);
        }
        return new RowSparse(IndexTensor.wrap(rows, unique), values, totalRows);
    }

    @Override
    public void embeddingBagWeightGrad(Tensor table, IndexTensor ids, IndexTensor offsets, boolean mean, int paddingId,
                                       Tensor gradOutput, Tensor gradWeights) {
        int dim = table.size(1);
        int[] bagOf = new int[ids.numel()];
        float[] scale = positionScales(ids, offsets, null, mean, paddingId, bagOf);
        MemorySegment t = table.segment(), g = gradOutput.segment(), gw = gradWeights.segment();
        for (int i = 0; i < ids.numel(); i++) {
            float d = scale[i] == 0f ? 0f : scale[i] * kernels.dot(g, gradOutput.offset() + (long) bagOf[i] * dim,
                    t, table.offset() + (long) ids.get(i) * dim, dim);
            gw.setAtIndex(JAVA_FLOAT, gradWeights.offset() + i, d);
        }
    }

    @Override
    public void renormRows(Tensor table, IndexTensor ids, float maxNorm, float normType) {
        int dim = table.size(1);
        MemorySegment t = table.segment();
        int[] distinct = Arrays.stream(ids.data()).distinct().toArray();
        for (int id : distinct) {
            long base = table.offset() + (long) id * dim;
            double norm = 0;
            for (int j = 0; j < dim; j++) {
                double x = Math.abs(t.getAtIndex(JAVA_FLOAT, base + j));
                norm += normType == 2f ? x * x : (normType == 1f ? x : Math.pow(x, normType));
            }
            norm = normType == 2f ? Math.sqrt(norm) : (normType == 1f ? norm : Math.pow(norm, 1.0 / normType));
            if (norm > maxNorm) {
                float s = (float) (maxNorm / (norm + 1e-7));
                for (int j = 0; j < dim; j++) {
                    t.setAtIndex(JAVA_FLOAT, base + j, t.getAtIndex(JAVA_FLOAT, base + j) * s);
                }
            }
        }
    }

    @Override
    public RowSparse addRows(RowSparse a, RowSparse b) {
        if (a.totalRows() != b.totalRows() || a.dim() != b.dim()) {
            throw new IllegalArgumentException("addRows: shapes differ, [" + a.totalRows() + ", " + a.dim() + "] vs ["
                    + b.totalRows() + ", " + b.dim() + "]");
        }
        int[] ra = a.rows().data(), rb = b.rows().data();
        int[] merged = new int[ra.length + rb.length];
        int n = 0;
        for (int i = 0, j = 0; i < ra.length || j < rb.length; ) {
            if (j == rb.length || (i < ra.length && ra[i] < rb[j])) {
                merged[n++] = ra[i++];
            } else if (i == ra.length || rb[j] < ra[i]) {
                merged[n++] = rb[j++];
            } else {
                merged[n++] = ra[i++];
                j++;
            }
        }
        int dim = a.dim();
        int[] rows = Arrays.copyOf(merged, n);
        Tensor values = Tensor.zeros(n, dim);
        MemorySegment v = values.segment();
        addInto(a, rows, v, dim);
        addInto(b, rows, v, dim);
        return new RowSparse(IndexTensor.wrap(rows, n), values, a.totalRows());
    }

    private void addInto(RowSparse src, int[] rows, MemorySegment v, int dim) {
        int[] r = src.rows().data();
        MemorySegment s = src.values().segment();
        long so = src.values().offset();
        int k = 0;
        for (int i = 0; i < r.length; i++) {
            while (rows[k] != r[i]) {
                k++;
            }
            kernels.axpy(1f, s, so + (long) i * dim, v, (long) k * dim, dim);
        }
    }

    @Override
    public void scatterAddRows(RowSparse sparse, float alpha, Tensor dense) {
        int dim = sparse.dim();
        int[] r = sparse.rows().data();
        MemorySegment s = sparse.values().segment(), d = dense.segment();
        for (int i = 0; i < r.length; i++) {
            kernels.axpy(alpha, s, sparse.values().offset() + (long) i * dim, d, dense.offset() + (long) r[i] * dim, dim);
        }
    }

    @Override
    public void setRows(Tensor table, IndexTensor rows, Tensor values) {
        int dim = table.size(1);
        MemorySegment t = table.segment(), v = values.segment();
        long rowBytes = (long) dim * Float.BYTES;
        for (int i = 0; i < rows.numel(); i++) {
            MemorySegment.copy(v, (values.offset() + (long) i * dim) * Float.BYTES,
                    t, (table.offset() + (long) rows.get(i) * dim) * Float.BYTES, rowBytes);
        }
    }

    /** (id, position) pairs packed in longs and sorted: by id, then by position; padding ids dropped. */
    private static long[] sortedPairs(IndexTensor ids, int paddingId) {
        int n = ids.numel();
        long[] keys = new long[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            int id = ids.get(i);
            if (id != paddingId) {
                keys[k++] = ((long) id << 32) | i;
            }
        }
        long[] out = k == n ? keys : Arrays.copyOf(keys, k);
        Arrays.sort(out);
        return out;
    }

    private static int countRuns(long[] sorted) {
        int runs = 0;
        long prev = -1;
        for (long key : sorted) {
            long id = key >>> 32;
            if (id != prev) {
                runs++;
                prev = id;
            }
        }
        return runs;
    }

    /** Per position: its bag (into bagOf) and the factor its bag's gradient is scaled by (weight / count). */
    private static float[] positionScales(IndexTensor ids, IndexTensor offsets, Tensor perIdWeights, boolean mean,
                                          int paddingId, int[] bagOf) {
        float[] scale = new float[ids.numel()];
        for (int b = 0; b < offsets.numel(); b++) {
            int from = offsets.get(b), to = bagEnd(offsets, b, ids.numel());
            int count = 0;
            for (int i = from; i < to; i++) {
                bagOf[i] = b;
                if (ids.get(i) != paddingId) {
                    count++;
                }
            }
            float inv = mean && count > 0 ? 1f / count : 1f;
            for (int i = from; i < to; i++) {
                float w = perIdWeights == null ? 1f : perIdWeights.getFlat(i);
                scale[i] = ids.get(i) == paddingId ? 0f : w * inv;
            }
        }
        return scale;
    }

    private static int bagEnd(IndexTensor offsets, int b, int totalIds) {
        return b + 1 < offsets.numel() ? offsets.get(b + 1) : totalIds;
    }
}
