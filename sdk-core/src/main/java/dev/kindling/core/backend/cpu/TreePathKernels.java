package dev.kindling.core.backend.cpu;

import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * The inner loops of a binary-tree softmax on the host: scoring a node ({@code b[n] + w[n]·x}, b a fixed
 * prior log-odds), the
 * log-probability of a root-to-leaf path, and the fused SGD step along a path, where each node row is
 * read once for the input gradient and written once for its update. A path visits distinct rows, so
 * updating a row right after scoring it is still exact SGD on the example's loss.
 */
public final class TreePathKernels {

    private static final TreePathKernels PREFERRED = new TreePathKernels(CpuKernels.preferred());

    private final CpuKernels kernels;
    private final HsmRowKernels rows;

    private TreePathKernels(CpuKernels kernels) {
        this.kernels = kernels;
        this.rows = HsmRowKernels.matching(kernels);
    }

    /** The Vector API loops where available, plain Java otherwise. */
    public static TreePathKernels preferred() {
        return PREFERRED;
    }

    /** Plain Java loops, to check the vector ones against. */
    public static TreePathKernels scalar() {
        return new TreePathKernels(CpuKernels.scalar());
    }

    public CpuKernels kernels() {
        return kernels;
    }

    /** bias[node] + weight[node] · x[xOff .. xOff + d). */
    public float score(Tensor weight, Tensor bias, int node, MemorySegment x, long xOff) {
        int d = weight.size(1);
        return bias.segment().getAtIndex(JAVA_FLOAT, bias.offset() + node)
                + kernels.dot(weight.segment(), weight.offset() + (long) node * d, x, xOff, d);
    }

    /** log σ(z), without overflow for large |z|. */
    public static double logSigmoid(double z) {
        return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
    }

    /** σ(z). */
    public static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    /** Σ over path entries [from, to) of log σ(±score): the log-probability of reaching the path's leaf. */
    public double pathLogProb(int[] nodes, boolean[] right, int from, int to, Tensor weight, Tensor bias, MemorySegment x, long xOff) {
        double lp = 0;
        for (int p = from; p < to; p++) {
            double s = score(weight, bias, nodes[p], x, xOff);
            lp += logSigmoid(right[p] ? s : -s);
        }
        return lp;
    }

    /**
     * One SGD step with learning rate {@code lr} on −log p(leaf | x) along the path [from, to), on the node
     * weights (the biases are fixed prior log-odds, not trained): writes the input gradient into
     * g[gOff .. gOff + d) (overwriting it) and returns the loss.
     */
    public float trainPath(int[] nodes, boolean[] right, int from, int to, Tensor weight, Tensor bias, MemorySegment x, long xOff,
                           float lr, MemorySegment g, long gOff) {
        int d = weight.size(1);
        MemorySegment ws = weight.segment(), bs = bias.segment();
        long wOff = weight.offset(), bOff = bias.offset();
        for (int i = 0; i < d; i++) {
            g.setAtIndex(JAVA_FLOAT, gOff + i, 0f);
        }
        double loss = 0;
        for (int p = from; p < to; p++) {
            int n = nodes[p];
            double s = bs.getAtIndex(JAVA_FLOAT, bOff + n) + kernels.dot(ws, wOff + (long) n * d, x, xOff, d);
            loss -= logSigmoid(right[p] ? s : -s);
            // d(−log σ(±s))/ds = σ(s) − [turns right]
            float delta = (float) (sigmoid(s) - (right[p] ? 1 : 0));
            rows.gradAndUpdate(delta, -lr * delta, ws, wOff + (long) n * d, x, xOff, g, gOff, d);
        }
        return (float) loss;
    }
}
