package dev.kindling.core.hsm;

import dev.kindling.core.backend.HsmOps;
import dev.kindling.core.backend.HsmTables;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.RowPatch;
import dev.kindling.core.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * The two-level HSM's private training copy for a set of target classes: the whole cluster layer (every step
 * normalizes over all clusters; ⌈√N⌉ rows or so) and the class rows of the targets' clusters (the within-cluster
 * softmax writes every member), laid out as compact {@link HsmTables} whose other clusters are empty. The HSM
 * kernels run on it unchanged, so a step here equals the live step bit for bit.
 */
final class StagedHsm implements StagedOutput {

    private final HsmTables live;
    private final HsmTables staged;
    private final HsmOps ops;
    /** Live class id of each compact class, and the compact id of each live class of a staged cluster. */
    private final int[] liveOf;
    private final int[] compactOf;
    private final int[] target = new int[1];
    private final IndexTensor targetIds = IndexTensor.wrap(target, 1);

    StagedHsm(HsmTables live, int[] classes, HsmOps ops) {
        this.live = live;
        this.ops = ops;
        int nc = live.clusters(), d = live.dim();
        boolean[] staging = new boolean[nc];
        int m = 0;
        for (int cls : classes) {
            int c = live.classCluster()[cls];
            if (!staging[c]) {
                staging[c] = true;
                m += live.clusterSize(c);
            }
        }
        int[] memberStart = new int[nc + 1];
        int[] members = new int[m];
        int[] classCluster = new int[m];
        int[] classIndex = new int[m];
        liveOf = new int[m];
        compactOf = new int[live.classes()];
        Arrays.fill(compactOf, -1);
        int next = 0;
        for (int c = 0; c < nc; c++) {
            memberStart[c] = next;
            if (staging[c]) {
                for (int i = live.memberStart()[c]; i < live.memberStart()[c + 1]; i++) {
                    int cls = live.members()[i];
                    members[next] = next;
                    classCluster[next] = c;
                    classIndex[next] = live.classIndex()[cls];
                    liveOf[next] = cls;
                    compactOf[cls] = next;
                    next++;
                }
            }
        }
        memberStart[nc] = next;
        Tensor classWeight = Tensor.zeros(m, d), classBias = Tensor.zeros(m, 1);
        IndexTensor rows = IndexTensor.wrap(liveOf, m);
        classWeight.backend().embedding().gatherRows(live.classWeight(), rows, classWeight);
        classBias.backend().embedding().gatherRows(live.classBias(), rows, classBias);
        this.staged = HsmTables.of(live.clusterWeight().copy(), live.clusterBias().copy(), classWeight, classBias, memberStart, members,
                classCluster, classIndex);
    }

    private int compact(int cls) {
        int c = cls >= 0 && cls < compactOf.length ? compactOf[cls] : -1;
        if (c < 0) {
            throw new IllegalArgumentException("class " + cls + " was not staged (its cluster's rows are not in this copy)");
        }
        return c;
    }

    @Override
    public void prepareToTrain(int cls) {
        int k = compact(cls);
        if (staged.classBias().getFlat(k) == HierarchicalSoftmax.NEW_CLASS_BIAS) {
            staged.classBias().setFlat(k, 0f);
        }
        int c = staged.classCluster()[k];
        if (staged.clusterBias().getFlat(c) == HierarchicalSoftmax.NEW_CLASS_BIAS) {
            staged.clusterBias().setFlat(c, 0f);
        }
    }

    @Override
    public void trainStep(Tensor input, int cls, float lr, Tensor gradInput, Tensor lossOut) {
        target[0] = compact(cls);
        ops.trainStep(staged, input, targetIds, lr, gradInput, lossOut);
    }

    @Override
    public void publish() {
        live.clusterWeight().copyFrom(staged.clusterWeight());
        live.clusterBias().copyFrom(staged.clusterBias());
        IndexTensor rows = IndexTensor.wrap(liveOf, liveOf.length);
        live.classWeight().backend().embedding().setRows(live.classWeight(), rows, staged.classWeight());
        live.classBias().backend().embedding().setRows(live.classBias(), rows, staged.classBias());
    }

    @Override
    public List<RowPatch> patches() {
        int[] clusters = new int[live.clusters()];
        Arrays.setAll(clusters, i -> i);
        return List.of(RowPatch.of(HierarchicalSoftmax.CLUSTER_WEIGHT, clusters, staged.clusterWeight()),
                RowPatch.of(HierarchicalSoftmax.CLUSTER_BIAS, clusters, staged.clusterBias()),
                RowPatch.of(HierarchicalSoftmax.CLASS_WEIGHT, liveOf, staged.classWeight()),
                RowPatch.of(HierarchicalSoftmax.CLASS_BIAS, liveOf, staged.classBias()));
    }

    @Override
    public long floatsPublished() {
        return staged.clusterWeight().numel() + staged.clusterBias().numel() + staged.classWeight().numel() + staged.classBias().numel();
    }
}
