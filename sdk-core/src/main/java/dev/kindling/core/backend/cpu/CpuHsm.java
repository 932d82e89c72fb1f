package dev.kindling.core.backend.cpu;

import dev.kindling.core.backend.HsmOps;
import dev.kindling.core.backend.HsmTables;
import dev.kindling.core.backend.ThreadTrainer;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * CPU hierarchical softmax. Every example costs C dot products for the cluster layer plus one per class
 * of its target cluster (and as many axpys in backward); rows are read in place from the tables'
 * memory segments with the {@link CpuKernels} dot/axpy, so heap, native and mapped tables all work.
 */
final class CpuHsm implements HsmOps {

    private final CpuKernels k;
    private final HsmRowKernels rows;
    private final ThreadLocal<float[][]> scratch = ThreadLocal.withInitial(() -> new float[2][0]);

    CpuHsm(CpuKernels kernels) {
        this.k = kernels;
        this.rows = HsmRowKernels.matching(kernels);
    }

    /** Two per-thread score buffers of at least n floats. */
    private float[][] buffers(int n) {
        float[][] s = scratch.get();
        if (s[0].length < n) {
            s[0] = new float[n];
            s[1] = new float[n];
        }
        return s;
    }

    static int bufferSize(HsmTables t) {
        return Math.max(t.clusters(), t.maxClusterSize());
    }

    /** s[c] = clusterBias[c] + clusterWeight[c]·x for all clusters; returns log Σ exp s. */
    private float clusterScores(HsmTables t, MemorySegment x, long xOff, float[] s) {
        clusterScoresRaw(t, x, xOff, s);
        return logSumExp(s, t.clusters());
    }

    /** s[j] = classBias[m] + classWeight[m]·x for the members m of cluster c; returns log Σ exp s. */
    private float memberScores(HsmTables t, int c, MemorySegment x, long xOff, float[] s) {
        memberScoresRaw(t, c, x, xOff, s);
        return logSumExp(s, t.memberStart()[c + 1] - t.memberStart()[c]);
    }

    private static float logSumExp(float[] s, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, s[i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(s[i] - max);
        }
        return (float) (max + Math.log(sum));
    }

    @Override
    public void targetLogProbs(HsmTables t, Tensor input, IndexTensor targets, Tensor out) {
        float[][] buf = buffers(bufferSize(t));
        MemorySegment xs = input.segment();
        int d = t.dim();
        for (int b = 0; b < targets.numel(); b++) {
            int cls = targets.get(b);
            int c = t.classCluster()[cls];
            long xOff = input.offset() + (long) b * d;
            float lseC = clusterScores(t, xs, xOff, buf[0]);
            float lseM = memberScores(t, c, xs, xOff, buf[1]);
            out.setFlat(b, (buf[0][c] - lseC) + (buf[1][t.classIndex()[cls]] - lseM));
        }
    }

    @Override
    public void clusterLogProbs(HsmTables t, Tensor input, Tensor out) {
        float[][] buf = buffers(bufferSize(t));
        MemorySegment xs = input.segment(), os = out.segment();
        int d = t.dim(), nc = t.clusters(), batch = input.size(0);
        for (int b = 0; b < batch; b++) {
            float lse = clusterScores(t, xs, input.offset() + (long) b * d, buf[0]);
            long o = out.offset() + (long) b * nc;
            for (int j = 0; j < nc; j++) {
                os.setAtIndex(JAVA_FLOAT, o + j, buf[0][j] - lse);
            }
        }
    }

    @Override
    public void memberLogProbs(HsmTables t, Tensor input, int example, int cluster, Tensor out) {
        float[][] buf = buffers(bufferSize(t));
        int n = t.clusterSize(cluster);
        float lse = memberScores(t, cluster, input.segment(), input.offset() + (long) example * t.dim(), buf[1]);
        MemorySegment os = out.segment();
        for (int j = 0; j < n; j++) {
            os.setAtIndex(JAVA_FLOAT, out.offset() + j, buf[1][j] - lse);
        }
    }

    @Override
    public ClassGradients backward(HsmTables t, Tensor input, IndexTensor targets, Tensor gradOutput, Tensor gradInput,
                                   Tensor clusterWeightGrad, Tensor clusterBiasGrad) {
        int batch = targets.numel(), d = t.dim(), nc = t.clusters();
        // Rows touched: every class of every target cluster, ascending, each with one gradient slot.
        int[] clusters = new int[batch];
        for (int b = 0; b < batch; b++) {
            clusters[b] = t.classCluster()[targets.get(b)];
        }
        int[] distinct = Arrays.stream(clusters).distinct().toArray();
        int total = 0;
        for (int c : distinct) {
            total += t.clusterSize(c);
        }
        int[] rows = new int[total];
        int r = 0;
        for (int c : distinct) {
            System.arraycopy(t.members(), t.memberStart()[c], rows, r, t.clusterSize(c));
            r += t.clusterSize(c);
        }
        Arrays.sort(rows);
        Tensor wValues = Tensor.zeros(Math.max(total, 0), d);
        Tensor bValues = Tensor.zeros(Math.max(total, 0), 1);
        MemorySegment wv = wValues.segment(), bv = bValues.segment();

        float[][] buf = buffers(bufferSize(t));
        float[] s = buf[0], u = buf[1];
        MemorySegment xs = input.segment(), gis = gradInput.segment();
        MemorySegment cw = t.clusterWeight().segment(), cwg = clusterWeightGrad.segment(), cbg = clusterBiasGrad.segment();
        MemorySegment vw = t.classWeight().segment();
        int[] members = t.members();
        for (int b = 0; b < batch; b++) {
            float g = gradOutput.getFlat(b);
            int cls = targets.get(b), c = clusters[b];
            long xOff = input.offset() + (long) b * d, giOff = gradInput.offset() + (long) b * d;
            for (int i = 0; i < d; i++) {
                gis.setAtIndex(JAVA_FLOAT, giOff + i, 0f);
            }
            float lseC = clusterScores(t, xs, xOff, s);
            for (int j = 0; j < nc; j++) {
                float delta = g * ((float) Math.exp(s[j] - lseC) - (j == c ? 1f : 0f));
                k.axpy(delta, cw, t.clusterWeight().offset() + (long) j * d, gis, giOff, d);
                k.axpy(delta, xs, xOff, cwg, clusterWeightGrad.offset() + (long) j * d, d);
                long bo = clusterBiasGrad.offset() + j;
                cbg.setAtIndex(JAVA_FLOAT, bo, cbg.getAtIndex(JAVA_FLOAT, bo) + delta);
            }
            float lseM = memberScores(t, c, xs, xOff, u);
            int start = t.memberStart()[c], n = t.clusterSize(c), idx = t.classIndex()[cls];
            for (int j = 0; j < n; j++) {
                int m = members[start + j];
                float delta = g * ((float) Math.exp(u[j] - lseM) - (j == idx ? 1f : 0f));
                int slot = Arrays.binarySearch(rows, m);
                k.axpy(delta, vw, t.classWeight().offset() + (long) m * d, gis, giOff, d);
                k.axpy(delta, xs, xOff, wv, (long) slot * d, d);
                bv.setAtIndex(JAVA_FLOAT, slot, bv.getAtIndex(JAVA_FLOAT, slot) + delta);
            }
        }
        IndexTensor rowIds = IndexTensor.wrap(rows, rows.length);
        return new ClassGradients(new RowSparse(rowIds, wValues, t.classes()), new RowSparse(rowIds, bValues, t.classes()));
    }

    /**
     * Turns scores into probabilities in place (one exp per element) and returns log Σ exp of the
     * scores.
     */
    private static float softmaxInPlace(float[] s, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, s[i]);
        }
        float sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(s[i] - max);
            s[i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) {
            s[i] *= inv;
        }
        return (float) (max + Math.log(sum));
    }

    @Override
    public void trainStep(HsmTables t, Tensor input, IndexTensor targets, float lr, Tensor gradInput, Tensor lossOut) {
        float[][] buf = buffers(bufferSize(t));
        Tensor cw = t.clusterWeight(), cb = t.clusterBias();
        for (int b = 0; b < targets.numel(); b++) {
            trainExample(t, cw.segment(), cw.offset(), cb.segment(), cb.offset(), input, b, targets.get(b), lr, gradInput, lossOut,
                    buf[0], buf[1]);
        }
    }

    /**
     * Each training thread keeps its own copy of the cluster layer (see {@link ClusterReplicaTrainer}), so threads
     * stop passing the C cluster rows' cache lines back and forth on every example.
     */
    @Override
    public ThreadTrainer threadTrainer(HsmTables t, int publishEvery) {
        return new ClusterReplicaTrainer(this, k, t, publishEvery);
    }

    /**
     * The exact SGD step of example {@code b} (class {@code cls}), with the cluster layer read and written at
     * {@code cw}/{@code cb} (the shared one, or a thread's own copy laid out the same way) and the class layer in
     * the tables; {@code s} and {@code u} are scratch of at least {@link #bufferSize} floats.
     */
    void trainExample(HsmTables t, MemorySegment cw, long cwOff, MemorySegment cb, long cbOff, Tensor input, int b, int cls,
                      float lr, Tensor gradInput, Tensor lossOut, float[] s, float[] u) {
        int d = t.dim(), nc = t.clusters();
        MemorySegment xs = input.segment(), gis = gradInput.segment();
        MemorySegment vw = t.classWeight().segment(), vb = t.classBias().segment();
        long vwOff = t.classWeight().offset(), vbOff = t.classBias().offset();
        int[] members = t.members();
        int c = t.classCluster()[cls];
        long xOff = input.offset() + (long) b * d, giOff = gradInput.offset() + (long) b * d;
        for (int i = 0; i < d; i++) {
            gis.setAtIndex(JAVA_FLOAT, giOff + i, 0f);
        }
        // Both layers are scored before either is updated, so the step is exactly SGD on this example's loss.
        rowScores(cw, cwOff, cb, cbOff, null, 0, nc, d, xs, xOff, s);
        int start = t.memberStart()[c], n = t.memberStart()[c + 1] - start, idx = t.classIndex()[cls];
        memberScoresRaw(t, c, xs, xOff, u);
        float sc = s[c], ui = u[idx];
        float lseC = softmaxInPlace(s, nc);
        float lseM = softmaxInPlace(u, n);
        lossOut.segment().setAtIndex(JAVA_FLOAT, lossOut.offset() + b, (lseC - sc) + (lseM - ui));
        for (int j = 0; j < nc; j++) {
            float delta = j == c ? s[j] - 1f : s[j];
            rows.gradAndUpdate(delta, -lr * delta, cw, cwOff + (long) j * d, xs, xOff, gis, giOff, d);
            cb.setAtIndex(JAVA_FLOAT, cbOff + j, cb.getAtIndex(JAVA_FLOAT, cbOff + j) - lr * delta);
        }
        for (int j = 0; j < n; j++) {
            int m = members[start + j];
            float delta = j == idx ? u[j] - 1f : u[j];
            rows.gradAndUpdate(delta, -lr * delta, vw, vwOff + (long) m * d, xs, xOff, gis, giOff, d);
            vb.setAtIndex(JAVA_FLOAT, vbOff + m, vb.getAtIndex(JAVA_FLOAT, vbOff + m) - lr * delta);
        }
    }

    private void clusterScoresRaw(HsmTables t, MemorySegment x, long xOff, float[] s) {
        Tensor w = t.clusterWeight(), b = t.clusterBias();
        rowScores(w.segment(), w.offset(), b.segment(), b.offset(), null, 0, t.clusters(), t.dim(), x, xOff, s);
    }

    private void memberScoresRaw(HsmTables t, int c, MemorySegment x, long xOff, float[] s) {
        Tensor w = t.classWeight(), b = t.classBias();
        int start = t.memberStart()[c];
        rowScores(w.segment(), w.offset(), b.segment(), b.offset(), t.members(), start, t.memberStart()[c + 1] - start, t.dim(), x, xOff, s);
    }

    /**
     * s[j] = bias[r] + weight[r]·x for j &lt; n, where row r is {@code rowIds[first + j]}, or {@code j} itself when
     * {@code rowIds} is null (the cluster layer: all rows in order).
     */
    private void rowScores(MemorySegment ws, long wOff, MemorySegment bs, long bOff, int[] rowIds, int first, int n, int d,
                           MemorySegment x, long xOff, float[] s) {
        for (int j = 0; j < n; j++) {
            int r = rowIds == null ? j : rowIds[first + j];
            s[j] = bs.getAtIndex(JAVA_FLOAT, bOff + r) + k.dot(ws, wOff + (long) r * d, x, xOff, d);
        }
    }
}
