package dev.kindling.core.hsm;

import dev.kindling.core.backend.HsmOps;
import dev.kindling.core.backend.HsmTables;
import dev.kindling.core.backend.ThreadTrainer;
import dev.kindling.core.nn.Criterion;
import dev.kindling.core.nn.Module;
import dev.kindling.core.nn.Parameter;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Two-level hierarchical softmax (fbcunn's {@code HSM}): classes are grouped into clusters by a
 * {@link ClusterMapping}, and log p(k | x) = log softmax(Wc·x + bc)[cluster(k)] + log softmax over the
 * cluster's classes of (Wk·x + bk)[index(k)]. Forward returns the per-example negative log-likelihood
 * of the targets ([batch]); backward returns the input gradient and accumulates dense gradients for the
 * cluster layer and row-sparse ones for the class layer (only the target clusters' rows).
 *
 * <p>Parameters: {@code clusterWeight} C × d, {@code clusterBias} C, {@code classWeight} N × d
 * (row-sparse), {@code classBias} N × 1 (row-sparse). {@link #trainStep} is the direct-update path (SGD
 * applied straight into the weights, lock-free). Inference ({@link #logProb}, {@link #topK}) keeps no
 * state and may run from many threads at once, also while {@link #addClasses} grows the model.
 */
public final class HierarchicalSoftmax extends Module<HsmBatch> implements OutputLayer {

    /** Names of the tables in row patches (and in checkpoints' terms): the cluster layer and the class layer. */
    public static final String CLUSTER_WEIGHT = "hsm.clusterWeight", CLUSTER_BIAS = "hsm.clusterBias",
            CLASS_WEIGHT = "hsm.classWeight", CLASS_BIAS = "hsm.classBias";

    /** Bias given to classes and clusters added by {@link #addClasses}: far enough below to leave existing probabilities unchanged. */
    public static final float NEW_CLASS_BIAS = -30f;

    private final int dim;
    private final Parameter clusterWeight;
    private final Parameter clusterBias;
    private final Parameter classWeight;
    private final Parameter classBias;
    private volatile ClusterMapping mapping;
    private volatile HsmTables tables;
    // Storage with room to grow; the parameters are views of their leading rows.
    private Tensor clusterWeightStore, clusterBiasStore, classWeightStore, classBiasStore;

    /** Weights uniform in ±1/√d, biases zero. */
    public HierarchicalSoftmax(ClusterMapping mapping, int dim, Random rng) {
        this(mapping, uniform(rng, mapping.clusters(), dim), Tensor.zeros(mapping.clusters()),
                uniform(rng, mapping.classes(), dim), Tensor.zeros(mapping.classes(), 1));
    }

    /** All weights and biases zero (uniform predictions), as fastText starts its output layer. */
    public static HierarchicalSoftmax zeroInitialized(ClusterMapping mapping, int dim) {
        requireDim(dim);
        return new HierarchicalSoftmax(mapping, Tensor.zeros(mapping.clusters(), dim), Tensor.zeros(mapping.clusters()),
                Tensor.zeros(mapping.classes(), dim), Tensor.zeros(mapping.classes(), 1));
    }

    /** An HSM over existing tensors (a loaded model). */
    public HierarchicalSoftmax(ClusterMapping mapping, Tensor clusterWeight, Tensor clusterBias, Tensor classWeight,
                               Tensor classBias) {
        Shapes.requireRank("HSM cluster weight", clusterWeight, 2);
        this.dim = clusterWeight.size(1);
        requireDim(dim);
        Shapes.requireShape("HSM cluster weight", clusterWeight, mapping.clusters(), dim);
        Shapes.requireShape("HSM cluster bias", clusterBias, mapping.clusters());
        Shapes.requireShape("HSM class weight", classWeight, mapping.classes(), dim);
        Shapes.requireShape("HSM class bias", classBias, mapping.classes(), 1);
        Shapes.requireSameDevice("HSM cluster and class weights", clusterWeight, classWeight);
        this.clusterWeightStore = clusterWeight;
        this.clusterBiasStore = clusterBias;
        this.classWeightStore = classWeight;
        this.classBiasStore = classBias;
        this.clusterWeight = registerParameter("clusterWeight", clusterWeight);
        this.clusterBias = registerParameter("clusterBias", clusterBias);
        this.classWeight = registerSparseParameter("classWeight", classWeight);
        this.classBias = registerSparseParameter("classBias", classBias);
        this.mapping = mapping;
        rebuildTables();
    }

    private static Tensor uniform(Random rng, int rows, int dim) {
        requireDim(dim);
        float bound = (float) (1.0 / Math.sqrt(dim));
        return Tensor.rand(rng, -bound, bound, rows, dim);
    }

    private static void requireDim(int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException("HSM input size must be positive, got " + dim);
        }
    }

    /** The stores had spare rows on the old device; the moved parameters are the new stores (no spare rows yet). */
    @Override
    protected synchronized void parametersMoved() {
        clusterWeightStore = clusterWeight.value();
        clusterBiasStore = clusterBias.value();
        classWeightStore = classWeight.value();
        classBiasStore = classBias.value();
        rebuildTables();
    }

    private void rebuildTables() {
        ClusterMapping m = mapping;
        tables = HsmTables.of(clusterWeight.value(), clusterBias.value(), classWeight.value(), classBias.value(),
                m.memberStartShared(), m.membersShared(), m.clusterOfShared(), m.indexInClusterShared());
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public int classes() {
        return mapping.classes();
    }

    public ClusterMapping mapping() {
        return mapping;
    }

    public Parameter clusterWeight() {
        return clusterWeight;
    }

    public Parameter clusterBias() {
        return clusterBias;
    }

    public Parameter classWeight() {
        return classWeight;
    }

    public Parameter classBias() {
        return classBias;
    }

    /** A consistent snapshot of the tables for the kernels. */
    public HsmTables tables() {
        return tables;
    }

    private HsmOps ops(HsmTables t) {
        return t.classWeight().backend().hsm();
    }

    /** Per-example negative log-likelihood of the targets, [batch]. */
    @Override
    public Tensor forward(HsmBatch batch) {
        HsmTables t = tables;
        Tensor x = check(batch.input(), t);
        batch.targets().requireRange("HSM target class", t.classes());
        Tensor lp = Tensor.zeros(x.device(), x.size(0));
        ops(t).targetLogProbs(t, x, batch.targets(), lp);
        x.backend().blas().scale(lp, -1f);
        return lp;
    }

    @Override
    public HsmBatch backward(HsmBatch batch, Tensor gradOutput) {
        HsmTables t = tables;
        Tensor x = check(batch.input(), t);
        batch.targets().requireRange("HSM target class", t.classes());
        Shapes.requireShape("HSM gradOutput", gradOutput, x.size(0));
        Tensor gradInput = Tensor.zeros(x.device(), x.size(0), dim);
        HsmOps.ClassGradients g = ops(t).backward(t, x, batch.targets(), gradOutput, gradInput, clusterWeight.grad(),
                clusterBias.grad());
        classWeight.accumulate(g.weight());
        classBias.accumulate(g.bias());
        return new HsmBatch(gradInput, batch.targets());
    }

    /**
     * The direct-update path: one SGD step with learning rate {@code lr} applied straight into the
     * weights (no gradient buffers). Writes each example's loss to {@code lossOut} [batch] and its input
     * gradient to {@code gradInput} [batch, d]. Safe to call from several training threads at once on the
     * same model (Hogwild); must not run concurrently with {@link #addClasses}.
     */
    @Override
    public void trainStep(Tensor input, IndexTensor targets, float lr, Tensor gradInput, Tensor lossOut) {
        HsmTables t = tables;
        Tensor x = check(input, t);
        if (!(lr >= 0) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a finite number >= 0, got " + lr);
        }
        targets.requireRange("HSM target class", t.classes());
        Shapes.requireShape("HSM gradInput", gradInput, x.size(0), dim);
        Shapes.requireShape("HSM loss output", lossOut, x.size(0));
        ops(t).trainStep(t, x, targets, lr, gradInput, lossOut);
    }

    /** Unchecked direct-update step for trainers that validated their data once (hot loop). */
    @Override
    public void trainStepUnchecked(Tensor input, IndexTensor targets, float lr, Tensor gradInput, Tensor lossOut) {
        HsmTables t = tables;
        ops(t).trainStep(t, input, targets, lr, gradInput, lossOut);
    }

    /**
     * A Hogwild thread's trainer: on the CPU it trains its own copy of the cluster layer (which every example
     * writes in full) and adds its changes to the shared one every {@code publishEvery} examples and at
     * {@link ThreadTrainer#flush}, so that threads stop contending for the cluster rows; the class layer is
     * updated in place. One trainer alone is exact SGD, as {@link #trainStep}. Backends without such a trainer
     * apply {@link #trainStep} directly. The trainer must be flushed before {@link #addClasses}; using it after
     * the model grew is an error.
     */
    @Override
    public ThreadTrainer threadTrainer(int publishEvery) {
        ThreadTrainer.requirePublishEvery(publishEvery);
        HsmTables t = tables;
        return new TablesBoundTrainer(t, ops(t).threadTrainer(t, publishEvery));
    }

    /** A backend trainer that refuses to run once the HSM's tables changed under it (classes were added). */
    private final class TablesBoundTrainer implements ThreadTrainer {
        private final HsmTables bound;
        private final ThreadTrainer inner;

        TablesBoundTrainer(HsmTables bound, ThreadTrainer inner) {
            this.bound = bound;
            this.inner = inner;
        }

        @Override
        public void step(Tensor input, IndexTensor targets, float lr, Tensor gradInput, Tensor lossOut) {
            requireSameTables();
            inner.step(input, targets, lr, gradInput, lossOut);
        }

        @Override
        public void flush() {
            requireSameTables();
            inner.flush();
        }

        private void requireSameTables() {
            if (tables != bound) {
                throw new IllegalStateException("this HSM thread trainer was opened before classes were added; flush it before"
                        + " addClasses and open a new one");
            }
        }
    }

    /** log p(classes[b] | input[b]) for each row, [batch]. */
    @Override
    public Tensor logProb(Tensor input, IndexTensor classes) {
        HsmTables t = tables;
        Tensor x = check(input, t);
        if (classes.numel() != x.size(0)) {
            throw new IllegalArgumentException("logProb needs one class per input row (" + x.size(0) + "), got " + classes.numel());
        }
        classes.requireRange("HSM class", t.classes());
        Tensor out = Tensor.zeros(x.device(), x.size(0));
        ops(t).targetLogProbs(t, x, classes, out);
        return out;
    }

    /** log p(k | input[b]) for every class k, [batch, N]: scores everything, for checks and small models. */
    @Override
    public Tensor logProbsAll(Tensor input) {
        HsmTables t = tables;
        Tensor x = check(input, t);
        int batch = x.size(0), nc = t.clusters();
        Tensor out = Tensor.zeros(batch, t.classes());
        Tensor clp = Tensor.zeros(batch, nc);
        ops(t).clusterLogProbs(t, x, clp);
        Tensor member = Tensor.zeros(Math.max(1, t.maxClusterSize()));
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < nc; c++) {
                ops(t).memberLogProbs(t, x, b, c, member);
                for (int j = 0; j < t.clusterSize(c); j++) {
                    out.set(clp.get(b, c) + member.getFlat(j), b, t.members()[t.memberStart()[c] + j]);
                }
            }
        }
        return out;
    }

    /** The k most probable classes of one input row [d] or [1, d], exactly, without scoring every class. */
    @Override
    public TopK topK(Tensor input, int k) {
        Tensor x = OneRow.of(input);
        HsmTables t = tables;
        check(x, t);
        return TopKSearch.search(ops(t), t, x, 0, requireK(k, t));
    }

    /** Exact top-k for every row of [batch, d]. */
    @Override
    public List<TopK> topKBatch(Tensor input, int k) {
        HsmTables t = tables;
        Tensor x = check(input, t);
        int kk = requireK(k, t);
        List<TopK> out = new ArrayList<>(x.size(0));
        for (int b = 0; b < x.size(0); b++) {
            out.add(TopKSearch.search(ops(t), t, x, b, kk));
        }
        return out;
    }

    private static int requireK(int k, HsmTables t) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        return Math.min(k, t.classes());
    }

    /**
     * Adds {@code count} classes (ids {@code classes() … classes()+count−1}) to the live model without
     * retraining: they join the last cluster up to {@code clusterCapacity} classes, then new clusters,
     * with zero weights and bias {@link #NEW_CLASS_BIAS}, so the probabilities of existing classes stay
     * as they were (to float precision) until training touches the new rows. Returns the first new id.
     * Inference may run meanwhile; training must not.
     */
    public synchronized int addClasses(int count, int clusterCapacity) {
        ClusterMapping old = mapping;
        ClusterMapping grown = old.withAddedClasses(count, clusterCapacity);
        int n0 = old.classes(), c0 = old.clusters();
        classWeightStore = GrowableRows.ensureRows(classWeightStore, grown.classes());
        classBiasStore = GrowableRows.ensureRows(classBiasStore, grown.classes());
        clusterWeightStore = GrowableRows.ensureRows(clusterWeightStore, grown.clusters());
        clusterBiasStore = GrowableRows.ensureRows(clusterBiasStore, grown.clusters());
        for (int k = n0; k < grown.classes(); k++) {
            classBiasStore.setFlat(k, NEW_CLASS_BIAS);
        }
        for (int c = c0; c < grown.clusters(); c++) {
            clusterBiasStore.setFlat(c, NEW_CLASS_BIAS);
        }
        classWeight.growRows(classWeightStore.narrow(0, grown.classes()));
        classBias.growRows(classBiasStore.narrow(0, grown.classes()));
        clusterWeight.growRows(clusterWeightStore.narrow(0, grown.clusters()));
        clusterBias.growRows(clusterBiasStore.narrow(0, grown.clusters()));
        mapping = grown;
        rebuildTables();
        return n0;
    }

    /**
     * Adds classes with a cluster capacity of the current largest cluster; a single-cluster model (an exact
     * full softmax) stays a single cluster.
     */
    @Override
    public int addClasses(int count) {
        ClusterMapping m = mapping;
        return addClasses(count, m.clusters() == 1 ? Integer.MAX_VALUE : Math.max(1, m.maxClusterSize()));
    }

    @Override
    public Tensor patchTarget(String table) {
        HsmTables t = tables;
        return switch (table) {
            case CLUSTER_WEIGHT -> t.clusterWeight();
            case CLUSTER_BIAS -> t.clusterBias();
            case CLASS_WEIGHT -> t.classWeight();
            case CLASS_BIAS -> t.classBias();
            default -> OutputLayer.super.patchTarget(table);
        };
    }

    /** The cluster layer and the targets' clusters, copied (host tables only; a device-resident HSM trains in place). */
    @Override
    public StagedOutput stage(int[] classes) {
        HsmTables t = tables;
        if (!t.classWeight().device().isCpu()) {
            return null;
        }
        for (int cls : classes) {
            mapping.requireClass(cls);
        }
        return new StagedHsm(t, classes, ops(t));
    }

    /**
     * A class added by {@link #addClasses} (and a cluster opened for it) carries bias {@link #NEW_CLASS_BIAS};
     * when training first reaches it, it starts like an untrained class instead (bias 0), or a handful of
     * feedback examples could never lift it.
     */
    @Override
    public void prepareToTrain(int cls) {
        if (classBias.value().getFlat(cls) == NEW_CLASS_BIAS) {
            classBias.value().setFlat(cls, 0f);
        }
        int cluster = mapping.clusterOf(cls);
        if (clusterBias.value().getFlat(cluster) == NEW_CLASS_BIAS) {
            clusterBias.value().setFlat(cluster, 0f);
        }
    }

    private Tensor check(Tensor input, HsmTables t) {
        Shapes.requireRank("HSM input", input, 2);
        if (input.size(1) != dim) {
            throw new IllegalArgumentException("HSM over " + dim + " features expects input [batch, " + dim + "], got "
                    + Shapes.str(input.shape()));
        }
        Shapes.requireSameDevice("HSM input and weights", input, t.classWeight());
        return input;
    }

    /** This HSM as a criterion: mean negative log-likelihood over the batch; backward accumulates parameter gradients. */
    public Criterion asCriterion() {
        return new Criterion() {
            @Override
            public float forward(Tensor input, IndexTensor target) {
                Tensor loss = HierarchicalSoftmax.this.forward(new HsmBatch(input, target));
                double s = 0;
                for (float v : loss.toArray()) {
                    s += v;
                }
                return (float) (s / loss.numel());
            }

            @Override
            public Tensor backward(Tensor input, IndexTensor target) {
                int b = input.size(0);
                Tensor g = Tensor.zeros(input.device(), b);
                input.backend().blas().fill(g, 1f / b);
                return HierarchicalSoftmax.this.backward(new HsmBatch(input, target), g).input();
            }
        };
    }

    @Override
    public String toString() {
        return "HierarchicalSoftmax(" + dim + " -> " + mapping + ")";
    }
}
