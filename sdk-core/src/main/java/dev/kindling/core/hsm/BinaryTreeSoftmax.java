package dev.kindling.core.hsm;

import dev.kindling.core.backend.Backends;
import dev.kindling.core.backend.HostKernels;
import dev.kindling.core.backend.TreePathKernels;
import dev.kindling.core.nn.Module;
import dev.kindling.core.nn.Parameter;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Binary-tree hierarchical softmax (fastText's {@code -loss hs}; Morin and Bengio's hierarchical
 * softmax, over a Huffman tree as Mikolov's or a tree of similar classes): each class is a leaf of a
 * {@link CodeTree}, and
 * p(k | x) = Π over the internal nodes n on k's path of σ(±(w_n·x + b_n)), + for a right turn. A frequent
 * class costs a few node scores, the mean over the data about log₂ of the class count, where the
 * two-level {@link HierarchicalSoftmax} scores every cluster (~2√N rows).
 *
 * <p>The trained parameter is {@code nodeWeight} (N−1) × d, row-sparse. The node biases b are fixed prior
 * log-odds, not trained: 0 for the nodes the tree was built with (exactly fastText's model), and for a
 * node added when the model grows, first {@link #NEW_CLASS_BIAS} (the new class cannot win), then, once
 * the class is trained, the log of its share of the node's weight. A trained bias would learn "turn towards
 * the new class" from feedback that only shows the new class, and take the displaced class's texts along.
 *
 * <p>Forward returns the per-example negative log-likelihood of the targets ([batch]); backward returns
 * the input gradient and accumulates row-sparse gradients of the node rows on the targets' paths. Host
 * memory only. Inference keeps no state and may run from many threads, also while {@link #addClasses} grows the
 * model; {@link #trainStep} may run from several training threads at once (Hogwild).
 */
public final class BinaryTreeSoftmax extends Module<HsmBatch> implements OutputLayer {

    /** Bias of the node a new class hangs under (new class on its right): σ(−30) keeps it out of predictions. */
    public static final float NEW_CLASS_BIAS = -30f;

    private static final TreePathKernels KERNELS = Backends.cpu().treePath();

    private final int dim;
    private final ScoreConvention convention;
    private final Parameter nodeWeight;
    private Tensor nodeBias;
    // Growth publishes the bigger tensors before the tree, so a reader that loads the tree first never meets
    // node ids its tensors lack.
    private volatile CodeTree tree;
    // Storage with room to grow; the parameters are views of their leading rows.
    private Tensor weightStore, biasStore;

    /** The tree and the tensors read after it: what one call works on. */
    private record Snapshot(CodeTree tree, Tensor weight, Tensor bias) {
    }

    private Snapshot snapshot() {
        CodeTree t = tree;
        return new Snapshot(t, nodeWeight.value(), nodeBias);
    }

    /** An output layer over existing tensors (a loaded model). */
    public BinaryTreeSoftmax(CodeTree tree, Tensor nodeWeight, Tensor nodeBias) {
        this(tree, nodeWeight, nodeBias, ScoreConvention.EXACT);
    }

    /** An output layer over existing tensors whose top-k reports scores by {@code convention} (fastText's, for a model read from fastText). */
    public BinaryTreeSoftmax(CodeTree tree, Tensor nodeWeight, Tensor nodeBias, ScoreConvention convention) {
        this.convention = convention;
        Shapes.requireRank("tree softmax node weight", nodeWeight, 2);
        this.dim = nodeWeight.size(1);
        requireDim(dim);
        Shapes.requireShape("tree softmax node weight", nodeWeight, tree.nodes(), dim);
        Shapes.requireShape("tree softmax node bias", nodeBias, tree.nodes(), 1);
        if (!nodeWeight.device().isCpu() || !nodeBias.device().isCpu()) {
            throw new IllegalArgumentException("the tree softmax keeps its weights in host memory, got " + nodeWeight.device());
        }
        this.weightStore = nodeWeight;
        this.biasStore = nodeBias;
        this.nodeWeight = registerSparseParameter("nodeWeight", nodeWeight);
        this.nodeBias = nodeBias;
        this.tree = tree;
    }

    /** Node weights uniform in ±1/√d, biases zero. */
    public BinaryTreeSoftmax(CodeTree tree, int dim, Random rng) {
        this(tree, uniform(rng, tree.nodes(), dim), Tensor.zeros(tree.nodes(), 1));
    }

    /** All weights and biases zero (every turn ½), as fastText starts its output layer. */
    public static BinaryTreeSoftmax zeroInitialized(CodeTree tree, int dim) {
        requireDim(dim);
        return new BinaryTreeSoftmax(tree, Tensor.zeros(tree.nodes(), dim), Tensor.zeros(tree.nodes(), 1));
    }

    private static Tensor uniform(Random rng, int rows, int dim) {
        requireDim(dim);
        float bound = (float) (1.0 / Math.sqrt(dim));
        return Tensor.rand(rng, -bound, bound, rows, dim);
    }

    private static void requireDim(int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException("tree softmax input size must be positive, got " + dim);
        }
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public int classes() {
        return tree.classes();
    }

    public CodeTree tree() {
        return tree;
    }

    @Override
    public ScoreConvention scoreConvention() {
        return convention;
    }

    public Parameter nodeWeight() {
        return nodeWeight;
    }

    /** The fixed prior log-odds of turning right at each node, (N−1) × 1. */
    public Tensor nodeBias() {
        return nodeBias;
    }

    @Override
    public Tensor forward(HsmBatch batch) {
        Tensor lp = logProb(batch.input(), batch.targets());
        for (int b = 0; b < lp.numel(); b++) {
            lp.setFlat(b, -lp.getFlat(b));
        }
        return lp;
    }

    @Override
    public HsmBatch backward(HsmBatch batch, Tensor gradOutput) {
        Snapshot s = snapshot();
        CodeTree tree = s.tree();
        Tensor x = check(batch.input());
        IndexTensor targets = batch.targets();
        targets.requireRange("tree softmax target class", tree.classes());
        Shapes.requireShape("tree softmax gradOutput", gradOutput, x.size(0));
        int[] nodes = tree.pathNodesShared();
        boolean[] right = tree.pathRightShared();
        // The rows touched: every node on every target's path, ascending, each with one gradient slot.
        int total = 0;
        for (int b = 0; b < targets.numel(); b++) {
            total += tree.depth(targets.get(b));
        }
        int[] rows = new int[total];
        for (int b = 0, at = 0; b < targets.numel(); b++) {
            int cls = targets.get(b);
            System.arraycopy(nodes, tree.pathStart(cls), rows, at, tree.depth(cls));
            at += tree.depth(cls);
        }
        rows = Arrays.stream(rows).distinct().sorted().toArray();
        Tensor wValues = Tensor.zeros(rows.length, dim);
        Tensor gradInput = Tensor.zeros(x.size(0), dim);
        HostKernels k = KERNELS.kernels();
        MemorySegment xs = x.segment(), gs = gradInput.segment(), ws = s.weight().segment();
        for (int b = 0; b < targets.numel(); b++) {
            int cls = targets.get(b);
            float go = gradOutput.getFlat(b);
            long xOff = x.offset() + (long) b * dim, gOff = gradInput.offset() + (long) b * dim;
            for (int p = tree.pathStart(cls); p < tree.pathStart(cls) + tree.depth(cls); p++) {
                int n = nodes[p];
                double score = KERNELS.score(s.weight(), s.bias(), n, xs, xOff);
                float delta = go * (float) (TreePathKernels.sigmoid(score) - (right[p] ? 1 : 0));
                int slot = Arrays.binarySearch(rows, n);
                k.axpy(delta, ws, s.weight().offset() + (long) n * dim, gs, gOff, dim);
                k.axpy(delta, xs, xOff, wValues.segment(), (long) slot * dim, dim);
            }
        }
        IndexTensor rowIds = IndexTensor.wrap(rows, rows.length);
        nodeWeight.accumulate(new RowSparse(rowIds, wValues, tree.nodes()));
        return new HsmBatch(gradInput, targets);
    }

    @Override
    public void trainStep(Tensor input, IndexTensor targets, float lr, Tensor gradInput, Tensor lossOut) {
        Tensor x = check(input);
        if (!(lr >= 0) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a finite number >= 0, got " + lr);
        }
        targets.requireRange("tree softmax target class", classes());
        Shapes.requireShape("tree softmax gradInput", gradInput, x.size(0), dim);
        Shapes.requireShape("tree softmax loss output", lossOut, x.size(0));
        if (targets.numel() != x.size(0)) {
            throw new IllegalArgumentException("trainStep needs one target per input row (" + x.size(0) + "), got " + targets.numel());
        }
        trainStepUnchecked(x, targets, lr, gradInput, lossOut);
    }

    @Override
    public void trainStepUnchecked(Tensor input, IndexTensor targets, float lr, Tensor gradInput, Tensor lossOut) {
        Snapshot s = snapshot();
        CodeTree tree = s.tree();
        int[] nodes = tree.pathNodesShared();
        boolean[] right = tree.pathRightShared();
        MemorySegment xs = input.segment(), gs = gradInput.segment(), ls = lossOut.segment();
        for (int b = 0; b < targets.numel(); b++) {
            int cls = targets.get(b);
            int from = tree.pathStart(cls);
            float loss = KERNELS.trainPath(nodes, right, from, from + tree.depth(cls), s.weight(), s.bias(), xs,
                    input.offset() + (long) b * dim, lr, gs, gradInput.offset() + (long) b * dim);
            ls.setAtIndex(JAVA_FLOAT, lossOut.offset() + b, loss);
        }
    }

    @Override
    public Tensor logProb(Tensor input, IndexTensor classes) {
        Snapshot s = snapshot();
        CodeTree tree = s.tree();
        Tensor x = check(input);
        if (classes.numel() != x.size(0)) {
            throw new IllegalArgumentException("logProb needs one class per input row (" + x.size(0) + "), got " + classes.numel());
        }
        classes.requireRange("tree softmax class", tree.classes());
        Tensor out = Tensor.zeros(x.size(0));
        for (int b = 0; b < x.size(0); b++) {
            int cls = classes.get(b);
            int from = tree.pathStart(cls);
            out.setFlat(b, (float) KERNELS.pathLogProb(tree.pathNodesShared(), tree.pathRightShared(), from, from + tree.depth(cls),
                    s.weight(), s.bias(), x.segment(), x.offset() + (long) b * dim));
        }
        return out;
    }

    @Override
    public Tensor logProbsAll(Tensor input) {
        Snapshot s = snapshot();
        CodeTree tree = s.tree();
        Tensor x = check(input);
        Tensor out = Tensor.zeros(x.size(0), tree.classes());
        for (int b = 0; b < x.size(0); b++) {
            if (tree.root() >= 0) {
                fillLeaves(s, x.segment(), x.offset() + (long) b * dim, tree.root(), 0.0, out, b);
            }
        }
        return out;
    }

    private void fillLeaves(Snapshot s, MemorySegment x, long xOff, int node, double lp, Tensor out, int row) {
        double score = KERNELS.score(s.weight(), s.bias(), node, x, xOff);
        int[] children = {s.tree().left(node), s.tree().right(node)};
        double[] childLp = {lp + TreePathKernels.logSigmoid(-score), lp + TreePathKernels.logSigmoid(score)};
        for (int side = 0; side < 2; side++) {
            if (children[side] < 0) {
                out.set((float) childLp[side], row, -1 - children[side]);
            } else {
                fillLeaves(s, x, xOff, children[side], childLp[side], out, row);
            }
        }
    }

    @Override
    public TopK topK(Tensor input, int k) {
        Tensor x = OneRow.of(input);
        check(x);
        Snapshot s = snapshot();
        return search(s, x.segment(), x.offset(), requireK(k, s.tree()), 0f);
    }

    @Override
    public TopK topK(Tensor input, int k, float threshold) {
        if (convention != ScoreConvention.FASTTEXT) {
            return OutputLayer.super.topK(input, k, threshold);
        }
        Tensor x = OneRow.of(input);
        check(x);
        Snapshot s = snapshot();
        return search(s, x.segment(), x.offset(), requireK(k, s.tree()), threshold);
    }

    private TopK search(Snapshot s, MemorySegment x, long xOff, int k, float threshold) {
        return convention == ScoreConvention.FASTTEXT
                ? FastTextTreeSearch.search(KERNELS, s.tree(), s.weight(), s.bias(), x, xOff, k, threshold)
                : TreeTopKSearch.search(KERNELS, s.tree(), s.weight(), s.bias(), x, xOff, k);
    }

    @Override
    public List<TopK> topKBatch(Tensor input, int k) {
        Snapshot s = snapshot();
        Tensor x = check(input);
        int kk = requireK(k, s.tree());
        List<TopK> out = new ArrayList<>(x.size(0));
        for (int b = 0; b < x.size(0); b++) {
            out.add(search(s, x.segment(), x.offset() + (long) b * dim, kk, 0f));
        }
        return out;
    }

    private static int requireK(int k, CodeTree tree) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        return Math.min(k, tree.classes());
    }

    /**
     * Adds classes as {@link CodeTree#withAddedClasses} places them; the new node above each new class
     * gets zero weights and bias {@link #NEW_CLASS_BIAS}, so the leaf it displaced keeps its probability
     * (a factor σ(30) = 1 − 9e−14) and the new class is practically never predicted until trained.
     */
    @Override
    public synchronized int addClasses(int count) {
        CodeTree old = tree;
        CodeTree grown = old.withAddedClasses(count);
        int n0 = old.nodes();
        weightStore = GrowableRows.ensureRows(weightStore, grown.nodes());
        biasStore = GrowableRows.ensureRows(biasStore, grown.nodes());
        for (int n = n0; n < grown.nodes(); n++) {
            biasStore.setFlat(n, NEW_CLASS_BIAS);
        }
        Tensor w = weightStore.narrow(0, grown.nodes()), b = biasStore.narrow(0, grown.nodes());
        nodeWeight.growRows(w);
        nodeBias = b;
        tree = grown;
        return old.classes();
    }

    /**
     * Every node on the class's path that the path leaves to the right and that still has
     * {@link #NEW_CLASS_BIAS} (nodes added by growth hang new classes on their right) gets the prior
     * log-odds of the weights below it: log(weight right / weight left), e.g. log(1/40) next to a leaf
     * weighing 40, so the class it displaced keeps most of its probability while the new one is learned.
     */
    @Override
    public synchronized void prepareToTrain(int cls) {
        CodeTree t = tree;
        long[] w = null;
        for (int p = t.pathStart(cls); p < t.pathStart(cls) + t.depth(cls); p++) {
            int node = t.pathNodesShared()[p];
            if (t.pathRightShared()[p] && nodeBias.getFlat(node) == NEW_CLASS_BIAS) {
                w = w == null ? t.weightsArray() : w;
                nodeBias.setFlat(node, (float) Math.log((double) subtreeWeight(t, t.right(node), w) / subtreeWeight(t, t.left(node), w)));
            }
        }
    }

    private static long subtreeWeight(CodeTree t, int child, long[] weights) {
        return child < 0 ? weights[-1 - child] : subtreeWeight(t, t.left(child), weights) + subtreeWeight(t, t.right(child), weights);
    }

    /** The weights stay in host memory: the tree search and the Hogwild step run on the CPU. */
    @Override
    public Module<HsmBatch> to(dev.kindling.core.tensor.Device device) {
        if (!device.isCpu()) {
            throw new UnsupportedOperationException("the tree softmax runs on the host only; cannot move it to " + device);
        }
        return this;
    }

    private Tensor check(Tensor input) {
        Shapes.requireRank("tree softmax input", input, 2);
        if (input.size(1) != dim) {
            throw new IllegalArgumentException("tree softmax over " + dim + " features expects input [batch, " + dim + "], got "
                    + Shapes.str(input.shape()));
        }
        if (!input.device().isCpu()) {
            throw new IllegalArgumentException("the tree softmax runs on the host; move the input from " + input.device() + " first");
        }
        return input;
    }

    @Override
    public String toString() {
        return "BinaryTreeSoftmax(" + dim + " -> " + tree + (convention == ScoreConvention.FASTTEXT ? ", fastText scores" : "") + ")";
    }
}
