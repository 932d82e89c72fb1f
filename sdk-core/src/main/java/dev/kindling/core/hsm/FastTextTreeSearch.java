package dev.kindling.core.hsm;

import dev.kindling.core.backend.TreePathKernels;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;

/**
 * The top-k search of fastText 0.9.2's {@code -loss hs} prediction, reproduced so that a model read from
 * fastText ranks and scores exactly as fastText: depth first from the root, left child before right, each
 * turn adding log(σ + 1e-5) in single precision ({@link FastTextNumerics}); a subtree is abandoned once its
 * score is below log(threshold + 1e-5) (log(1e-5) for fastText's default threshold 0) or, with k leaves
 * found, below the k-th best. So a line may get fewer than k labels, as from fastText. Keeps no state
 * between calls.
 */
final class FastTextTreeSearch {

    private final TreePathKernels kernels;
    private final CodeTree tree;
    private final Tensor weight;
    private final Tensor bias;
    private final MemorySegment x;
    private final long xOff;
    private final float floor;
    private final FastTextPredictionHeap heap;

    private FastTextTreeSearch(TreePathKernels kernels, CodeTree tree, Tensor weight, Tensor bias, MemorySegment x, long xOff, int k,
                               float threshold) {
        this.kernels = kernels;
        this.tree = tree;
        this.weight = weight;
        this.bias = bias;
        this.x = x;
        this.xOff = xOff;
        this.floor = FastTextNumerics.smoothedLog(threshold);
        this.heap = new FastTextPredictionHeap(k);
    }

    /** The k best classes whose smoothed score reaches log(threshold + 1e-5). */
    static TopK search(TreePathKernels kernels, CodeTree tree, Tensor weight, Tensor bias, MemorySegment x, long xOff, int k,
                       float threshold) {
        FastTextTreeSearch s = new FastTextTreeSearch(kernels, tree, weight, bias, x, xOff, k, threshold);
        // A single-class tree has no root node: its class is the whole tree.
        s.visit(tree.root() < 0 ? -1 : tree.root(), 0f);
        return s.heap.sorted();
    }

    private void visit(int child, float score) {
        if (score < floor || (heap.full() && score < heap.front())) {
            return;
        }
        if (child < 0) {
            heap.push(score, -1 - child);
            return;
        }
        float f = FastTextNumerics.nodeSigmoid(kernels.score(weight, bias, child, x, xOff));
        visit(tree.left(child), score + FastTextNumerics.smoothedLog((float) (1.0 - f)));
        visit(tree.right(child), score + FastTextNumerics.smoothedLog(f));
    }
}
