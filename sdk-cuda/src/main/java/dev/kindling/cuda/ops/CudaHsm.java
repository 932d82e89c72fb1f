package dev.kindling.cuda.ops;

import dev.kindling.core.backend.HsmOps;
import dev.kindling.core.backend.HsmTables;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.memory.DeviceBlock;
import dev.kindling.cuda.runtime.CudaDevice;
import dev.kindling.cuda.runtime.KernelArgs;

import java.util.ArrayList;
import java.util.List;

import static dev.kindling.cuda.runtime.CudaStorage.address;

/**
 * Hierarchical softmax on the GPU. The batch is grouped by target cluster on the host; then per call:
 * cluster scores for the whole batch by one GEMM, a fused bias + log-sum-exp + log-probability (+
 * softmax-gradient) kernel, the grouped inputs gathered once, one GEMM per touched cluster for its class
 * scores (reading the cluster's class rows in place when they are contiguous), and the same fused kernel
 * on every score row. Backward is GEMMs on those gradients: gradients reach only the touched clusters'
 * class rows. Everything stays on the device except the row list of the sparse class gradient.
 *
 * <p>{@link #trainStep} scores every example of the call against the weights as they were at the start
 * of the call and applies the summed update (mini-batch SGD), where the CPU backend updates after each
 * example; the two agree for one-example calls and to first order in the learning rate otherwise.
 */
final class CudaHsm implements HsmOps {

    private static final int MODE_LOGP = 0;
    private static final int MODE_GRAD = 1;
    private static final int MODE_LOGPROBS = 2;
    private static final int LAYOUT_CACHE = 4;
    private static final int BLOCK = 256;

    private final List<LayoutEntry> layouts = new ArrayList<>();

    private record LayoutEntry(CudaDevice device, HsmLayout layout) {
    }

    /** The device layout for t's class arrays (mappings are immutable: new arrays mean a new mapping). */
    private HsmLayout layout(CudaDevice d, HsmTables t) {
        synchronized (layouts) {
            for (LayoutEntry e : layouts) {
                if (e.device == d && e.layout.sameArrays(t)) {
                    return e.layout;
                }
            }
            HsmLayout l = new HsmLayout(d, t);
            layouts.addFirst(new LayoutEntry(d, l));
            if (layouts.size() > LAYOUT_CACHE) {
                layouts.removeLast().layout.close();
            }
            return l;
        }
    }

    /** Device buffers of one call; all closed (returned to the allocator cache) at the end of the call. */
    private static final class Buffers implements AutoCloseable {
        private final CudaDevice d;
        private final List<DeviceBlock> blocks = new ArrayList<>();

        Buffers(CudaDevice d) {
            this.d = d;
        }

        long floats(long n) {
            DeviceBlock b = d.allocate(Math.max(1, n) * Float.BYTES);
            blocks.add(b);
            return b.address();
        }

        long zeroFloats(long n) {
            long a = floats(n);
            d.zero(a, n * Float.BYTES);
            return a;
        }

        long ints(int[] data) {
            DeviceBlock b = d.upload(data);
            blocks.add(b);
            return b.address();
        }

        long longs(long[] data) {
            DeviceBlock b = d.upload(data);
            blocks.add(b);
            return b.address();
        }

        @Override
        public void close() {
            for (DeviceBlock b : blocks) {
                b.close();
            }
        }
    }

    /** What the forward pass leaves for backward: the grouped inputs, scores (or their gradients) and class rows. */
    private record Forward(HsmBatchPlan plan, long clusterScores, long groupedInput, long scores, long orderDev, long packedIds,
                           long packedWeight, long packedBias) {

        long weightOf(HsmLayout layout, HsmTables t, int g, int d) {
            int c = plan.clusters[g];
            return plan.contiguous
                    ? address(t.classWeight()) + (long) layout.contiguousFirst[c] * d * Float.BYTES
                    : packedWeight + plan.packedStart[g] * d * Float.BYTES;
        }
    }

    /**
     * Scores the batch: logp[b] (when not 0) gets sign · log p(target | input); in MODE_GRAD the cluster and
     * class score buffers end holding g · (softmax − onehot) with g = grad[b] (or 1 when grad is 0).
     */
    private Forward forward(CudaDevice d, Buffers buf, HsmLayout layout, HsmTables t, Tensor input, int[] targets, int mode, long grad,
                            long logp, float sign) {
        int batch = targets.length, dim = t.dim(), nc = t.clusters();
        HsmBatchPlan plan = new HsmBatchPlan(layout, targets);
        long x = address(input);
        long s = buf.floats((long) batch * nc);
        d.gemmRowMajor(false, true, batch, nc, dim, 1f, x, dim, address(t.clusterWeight()), dim, 0f, s, nc);
        long tc = buf.ints(plan.targetCluster);
        d.launch(d.kernel("hsm", "hsm_cluster_softmax"), d.grid(batch, 1), CudaElementwise.rowBlock(nc),
                KernelArgs.of().ptr(s).ptr(address(t.clusterBias())).ptr(tc).ptr(grad).ptr(logp).f(sign).i(batch).i(nc).i(mode));

        long order = buf.ints(plan.order);
        long xg = buf.floats((long) batch * dim);
        d.launch(d.kernel("embedding", "gather_rows"), d.grid((long) batch * dim, BLOCK), BLOCK,
                KernelArgs.of().ptr(x).ptr(order).l(batch).i(dim).ptr(xg));

        long packedIds = 0, packedW = 0, packedB = 0;
        if (!plan.contiguous) {
            packedIds = packMembers(d, buf, layout, plan);
            packedW = buf.floats(plan.packedTotal * dim);
            packedB = buf.floats(plan.packedTotal);
            d.launch(d.kernel("embedding", "gather_rows"), d.grid(plan.packedTotal * dim, BLOCK), BLOCK,
                    KernelArgs.of().ptr(address(t.classWeight())).ptr(packedIds).l(plan.packedTotal).i(dim).ptr(packedW));
            d.launch(d.kernel("embedding", "gather_rows"), d.grid(plan.packedTotal, BLOCK), BLOCK,
                    KernelArgs.of().ptr(address(t.classBias())).ptr(packedIds).l(plan.packedTotal).i(1).ptr(packedB));
        }
        Forward f = new Forward(plan, s, xg, buf.floats(plan.scoreTotal), order, packedIds, packedW, packedB);
        for (int g = 0; g < plan.clusters.length; g++) {
            int size = layout.clusterSize(plan.clusters[g]);
            d.gemmRowMajor(false, true, plan.groupCount[g], size, dim, 1f, xg + (long) plan.groupStart[g] * dim * Float.BYTES, dim,
                    f.weightOf(layout, t, g, dim), dim, 0f, f.scores + plan.scoreOffset[g] * Float.BYTES, size);
        }
        long bias = plan.contiguous ? address(t.classBias()) : packedB;
        d.launch(d.kernel("hsm", "hsm_member_softmax"), d.grid(batch, 1), CudaElementwise.rowBlock(t.maxClusterSize()),
                KernelArgs.of().ptr(f.scores).ptr(buf.longs(plan.rowStart)).ptr(buf.ints(plan.rowLen)).ptr(bias)
                        .ptr(buf.longs(plan.biasStart)).ptr(buf.ints(plan.targetIndex)).ptr(order).ptr(grad).ptr(logp).f(sign)
                        .i(batch).i(mode));
        return f;
    }

    private static long packMembers(CudaDevice d, Buffers buf, HsmLayout layout, HsmBatchPlan plan) {
        long ids = buf.floats(plan.packedTotal);
        d.launch(d.kernel("hsm", "hsm_pack_members"), d.grid(plan.packedTotal, BLOCK), BLOCK,
                KernelArgs.of().ptr(layout.membersDev.address()).ptr(layout.memberStartDev.address()).ptr(buf.ints(plan.clusters))
                        .ptr(buf.longs(plan.packedStart)).i(plan.clusters.length).l(plan.packedTotal).ptr(ids));
        return ids;
    }

    @Override
    public void targetLogProbs(HsmTables t, Tensor input, IndexTensor targets, Tensor out) {
        if (targets.numel() == 0) {
            return;
        }
        CudaDevice d = CudaDevice.of(input);
        try (CudaDevice.Scope s = d.enter(); Buffers buf = new Buffers(d)) {
            forward(d, buf, layout(d, t), t, input, targets.data(), MODE_LOGP, 0, address(out), 1f);
        }
    }

    @Override
    public void clusterLogProbs(HsmTables t, Tensor input, Tensor out) {
        int batch = input.size(0), nc = t.clusters(), dim = t.dim();
        if (batch == 0) {
            return;
        }
        CudaDevice d = CudaDevice.of(input);
        try (CudaDevice.Scope s = d.enter()) {
            d.gemmRowMajor(false, true, batch, nc, dim, 1f, address(input), dim, address(t.clusterWeight()), dim, 0f, address(out), nc);
            d.launch(d.kernel("hsm", "hsm_cluster_softmax"), d.grid(batch, 1), CudaElementwise.rowBlock(nc),
                    KernelArgs.of().ptr(address(out)).ptr(address(t.clusterBias())).ptr(0).ptr(0).ptr(0).f(1f).i(batch).i(nc)
                            .i(MODE_LOGPROBS));
        }
    }

    @Override
    public void memberLogProbs(HsmTables t, Tensor input, int example, int cluster, Tensor out) {
        int dim = t.dim();
        CudaDevice d = CudaDevice.of(input);
        try (CudaDevice.Scope s = d.enter(); Buffers buf = new Buffers(d)) {
            HsmLayout layout = layout(d, t);
            int size = layout.clusterSize(cluster);
            if (size == 0) {
                return;
            }
            long w, bias, biasStart;
            if (layout.contiguousFirst[cluster] >= 0) {
                int first = layout.contiguousFirst[cluster];
                w = address(t.classWeight()) + (long) first * dim * Float.BYTES;
                bias = address(t.classBias());
                biasStart = first;
            } else {
                int[] ids = new int[size];
                System.arraycopy(layout.members, layout.memberStart[cluster], ids, 0, size);
                long idDev = buf.ints(ids);
                w = buf.floats((long) size * dim);
                bias = buf.floats(size);
                biasStart = 0;
                d.launch(d.kernel("embedding", "gather_rows"), d.grid((long) size * dim, BLOCK), BLOCK,
                        KernelArgs.of().ptr(address(t.classWeight())).ptr(idDev).l(size).i(dim).ptr(w));
                d.launch(d.kernel("embedding", "gather_rows"), d.grid(size, BLOCK), BLOCK,
                        KernelArgs.of().ptr(address(t.classBias())).ptr(idDev).l(size).i(1).ptr(bias));
            }
            long o = address(out);
            d.gemmRowMajor(false, true, 1, size, dim, 1f, address(input) + (long) example * dim * Float.BYTES, dim, w, dim, 0f, o, size);
            d.launch(d.kernel("hsm", "hsm_member_softmax"), 1, CudaElementwise.rowBlock(size),
                    KernelArgs.of().ptr(o).ptr(buf.longs(new long[]{0})).ptr(buf.ints(new int[]{size})).ptr(bias)
                            .ptr(buf.longs(new long[]{biasStart})).ptr(0).ptr(0).ptr(0).ptr(0).f(1f).i(1).i(MODE_LOGPROBS));
        }
    }

    @Override
    public ClassGradients backward(HsmTables t, Tensor input, IndexTensor targets, Tensor gradOutput, Tensor gradInput,
                                   Tensor clusterWeightGrad, Tensor clusterBiasGrad) {
        int batch = targets.numel(), dim = t.dim(), nc = t.clusters();
        CudaDevice d = CudaDevice.of(input);
        try (CudaDevice.Scope s = d.enter(); Buffers buf = new Buffers(d)) {
            HsmLayout layout = layout(d, t);
            if (batch == 0) {
                return emptyGradients(d, t);
            }
            Forward f = forward(d, buf, layout, t, input, targets.data(), MODE_GRAD, address(gradOutput), 0, 1f);
            HsmBatchPlan plan = f.plan;
            long x = address(input), gi = address(gradInput);
            // Cluster layer: gradInput = Δ Wc; Wc' += Δᵀ X; bc' += column sums of Δ.
            d.gemmRowMajor(false, false, batch, dim, nc, 1f, f.clusterScores, nc, address(t.clusterWeight()), dim, 0f, gi, dim);
            d.gemmRowMajor(true, false, nc, dim, batch, 1f, f.clusterScores, nc, x, dim, 1f, address(clusterWeightGrad), dim);
            CudaBlas.sumRows(d, 1f, f.clusterScores, batch, nc, address(clusterBiasGrad));
            // Class layer, per touched cluster: grouped gradInput += D W; packed class gradients = Dᵀ Xg and column sums of D.
            addClassInputGradient(d, buf, layout, t, f, gi);
            int p = Math.toIntExact(plan.packedTotal);
            Tensor wValues = Tensor.zeros(d.device(), p, dim);
            Tensor bValues = Tensor.zeros(d.device(), p, 1);
            long pw = plan.contiguous ? address(wValues) : buf.floats((long) p * dim);
            long pb = plan.contiguous ? address(bValues) : buf.zeroFloats(p);
            classGradients(d, layout, f, dim, 1f, 0f, pw, pb);
            int[] rows;
            if (plan.contiguous) {
                rows = new int[p];
                for (int g = 0; g < plan.clusters.length; g++) {
                    int c = plan.clusters[g], first = layout.contiguousFirst[c];
                    for (int j = 0; j < layout.clusterSize(c); j++) {
                        rows[(int) plan.packedStart[g] + j] = first + j;
                    }
                }
            } else {
                int[][] rs = HsmBatchPlan.sortedRowsAndSlots(plan.packedMembers(layout));
                rows = rs[0];
                long slots = buf.ints(rs[1]);
                scatterAdd(d, address(wValues), slots, pw, p, dim, 1f);
                scatterAdd(d, address(bValues), slots, pb, p, 1, 1f);
            }
            IndexTensor rowIds = IndexTensor.wrap(rows, rows.length);
            return new ClassGradients(new RowSparse(rowIds, wValues, t.classes()), new RowSparse(rowIds, bValues, t.classes()));
        }
    }

    private static ClassGradients emptyGradients(CudaDevice d, HsmTables t) {
        IndexTensor none = IndexTensor.wrap(new int[0], 0);
        return new ClassGradients(new RowSparse(none, Tensor.zeros(d.device(), 0, t.dim()), t.classes()),
                new RowSparse(none, Tensor.zeros(d.device(), 0, 1), t.classes()));
    }

    /** gradInput[order[i]] += (D W)[i] for the grouped class-layer gradients D. */
    private static void addClassInputGradient(CudaDevice d, Buffers buf, HsmLayout layout, HsmTables t, Forward f, long gradInput) {
        HsmBatchPlan plan = f.plan;
        int dim = t.dim();
        long gig = buf.floats((long) plan.batch * dim);
        for (int g = 0; g < plan.clusters.length; g++) {
            int size = layout.clusterSize(plan.clusters[g]);
            d.gemmRowMajor(false, false, plan.groupCount[g], dim, size, 1f, f.scores + plan.scoreOffset[g] * Float.BYTES, size,
                    f.weightOf(layout, t, g, dim), dim, 0f, gig + (long) plan.groupStart[g] * dim * Float.BYTES, dim);
        }
        scatterAdd(d, gradInput, f.orderDev, gig, plan.batch, dim, 1f);
    }

    /**
     * For each touched cluster: weight rows (packed, at pw) = alpha · Dᵀ Xg + beta · themselves, and bias
     * entries (at pb) += alpha · column sums of D.
     */
    private static void classGradients(CudaDevice d, HsmLayout layout, Forward f, int dim, float alpha, float beta, long pw, long pb) {
        HsmBatchPlan plan = f.plan;
        for (int g = 0; g < plan.clusters.length; g++) {
            int size = layout.clusterSize(plan.clusters[g]);
            long dg = f.scores + plan.scoreOffset[g] * Float.BYTES;
            d.gemmRowMajor(true, false, size, dim, plan.groupCount[g], alpha, dg, size,
                    f.groupedInput + (long) plan.groupStart[g] * dim * Float.BYTES, dim, beta,
                    pw + plan.packedStart[g] * dim * Float.BYTES, dim);
            CudaBlas.sumRows(d, alpha, dg, plan.groupCount[g], size, pb + plan.packedStart[g] * Float.BYTES);
        }
    }

    private static void scatterAdd(CudaDevice d, long dense, long rows, long values, long n, int dim, float alpha) {
        if (n == 0) {
            return;
        }
        d.launch(d.kernel("embedding", "scatter_add_rows"), d.grid(n * dim, BLOCK), BLOCK,
                KernelArgs.of().ptr(dense).ptr(rows).ptr(values).l(n).i(dim).f(alpha));
    }

    @Override
    public void trainStep(HsmTables t, Tensor input, IndexTensor targets, float lr, Tensor gradInput, Tensor lossOut) {
        int batch = targets.numel(), dim = t.dim(), nc = t.clusters();
        if (batch == 0) {
            return;
        }
        CudaDevice d = CudaDevice.of(input);
        try (CudaDevice.Scope s = d.enter(); Buffers buf = new Buffers(d)) {
            HsmLayout layout = layout(d, t);
            Forward f = forward(d, buf, layout, t, input, targets.data(), MODE_GRAD, 0, address(lossOut), -1f);
            HsmBatchPlan plan = f.plan;
            long x = address(input), gi = address(gradInput);
            // Input gradients first, from the weights before this step.
            d.gemmRowMajor(false, false, batch, dim, nc, 1f, f.clusterScores, nc, address(t.clusterWeight()), dim, 0f, gi, dim);
            addClassInputGradient(d, buf, layout, t, f, gi);
            d.gemmRowMajor(true, false, nc, dim, batch, -lr, f.clusterScores, nc, x, dim, 1f, address(t.clusterWeight()), dim);
            CudaBlas.sumRows(d, -lr, f.clusterScores, batch, nc, address(t.clusterBias()));
            if (plan.contiguous) {
                // Class rows updated in place: packed row r of a contiguous plan is class rows[r] = first + j.
                long w = address(t.classWeight()), b = address(t.classBias());
                for (int g = 0; g < plan.clusters.length; g++) {
                    int c = plan.clusters[g], size = layout.clusterSize(c), first = layout.contiguousFirst[c];
                    long dg = f.scores + plan.scoreOffset[g] * Float.BYTES;
                    d.gemmRowMajor(true, false, size, dim, plan.groupCount[g], -lr, dg, size,
                            f.groupedInput + (long) plan.groupStart[g] * dim * Float.BYTES, dim, 1f,
                            w + (long) first * dim * Float.BYTES, dim);
                    CudaBlas.sumRows(d, -lr, dg, plan.groupCount[g], size, b + (long) first * Float.BYTES);
                }
            } else {
                long p = plan.packedTotal;
                long pw = buf.floats(p * dim), pb = buf.zeroFloats(p);
                classGradients(d, layout, f, dim, 1f, 0f, pw, pb);
                scatterAdd(d, address(t.classWeight()), f.packedIds, pw, p, dim, -lr);
                scatterAdd(d, address(t.classBias()), f.packedIds, pb, p, 1, -lr);
            }
        }
    }
}
