package dev.kindling.core.backend;

import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;

/**
 * The inner loops of a binary-tree softmax on the host: scoring a node ({@code b[n] + w[n]·x}, b a fixed
 * prior log-odds), the log-probability of a root-to-leaf path, and the fused SGD step along a path, where
 * each node row is read once for the input gradient and written once for its update. A path visits
 * distinct rows, so updating a row right after scoring it is still exact SGD on the example's loss.
 * Weights, biases and inputs are host tensors; get the implementation from {@link HostBackend#treePath()}.
 */
public interface TreePathKernels {

    /** The dot/axpy loops these kernels run on. */
    HostKernels kernels();

    /** bias[node] + weight[node] · x[xOff .. xOff + d). */
    float score(Tensor weight, Tensor bias, int node, MemorySegment x, long xOff);

    /** Σ over path entries [from, to) of log σ(±score): the log-probability of reaching the path's leaf. */
    double pathLogProb(int[] nodes, boolean[] right, int from, int to, Tensor weight, Tensor bias, MemorySegment x, long xOff);

    /**
     * One SGD step with learning rate {@code lr} on −log p(leaf | x) along the path [from, to), on the node
     * weights (the biases are fixed prior log-odds, not trained): writes the input gradient into
     * g[gOff .. gOff + d) (overwriting it) and returns the loss.
     */
    float trainPath(int[] nodes, boolean[] right, int from, int to, Tensor weight, Tensor bias, MemorySegment x, long xOff,
                    float lr, MemorySegment g, long gOff);

    /** log σ(z), without overflow for large |z|. */
    static double logSigmoid(double z) {
        return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
    }

    /** σ(z). */
    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }
}
