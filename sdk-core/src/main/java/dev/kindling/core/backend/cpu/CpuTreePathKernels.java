package dev.kindling.core.backend.cpu;

import dev.kindling.core.backend.TreePathKernels;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * {@link TreePathKernels} on the CPU kernels: dot products from {@link CpuKernels}, the fused row update from
 * {@link HsmRowKernels} of the same flavour (Vector API or plain Java).
 */
public final class CpuTreePathKernels implements TreePathKernels {

    private final CpuKernels kernels;
    private final HsmRowKernels rows;

    CpuTreePathKernels(CpuKernels kernels) {
        this.kernels = kernels;
        this.rows = HsmRowKernels.matching(kernels);
    }

    /** The Vector API loops where available, plain Java otherwise (the CPU backend's own come from {@code treePath()}). */
    public static CpuTreePathKernels preferred() {
        return new CpuTreePathKernels(CpuKernels.preferred());
    }

    /** Plain Java loops, to check the vector ones against. */
    public static CpuTreePathKernels scalar() {
        return new CpuTreePathKernels(CpuKernels.scalar());
    }

    @Override
    public CpuKernels kernels() {
        return kernels;
    }

    @Override
    public float score(Tensor weight, Tensor bias, int node, MemorySegment x, long xOff) {
        int d = weight.size(1);
        return bias.segment().getAtIndex(JAVA_FLOAT, bias.offset() + node)
                + kernels.dot(weight.segment(), weight.offset() + (long) node * d, x, xOff, d);
    }

    @Override
    public double pathLogProb(int[] nodes, boolean[] right, int from, int to, Tensor weight, Tensor bias, MemorySegment x, long xOff) {
        double lp = 0;
        for (int p = from; p < to; p++) {
            double s = score(weight, bias, nodes[p], x, xOff);
            lp += TreePathKernels.logSigmoid(right[p] ? s : -s);
        }
        return lp;
    }

    @Override
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
            loss -= TreePathKernels.logSigmoid(right[p] ? s : -s);
            // d(−log σ(±s))/ds = σ(s) − [turns right]
            float delta = (float) (TreePathKernels.sigmoid(s) - (right[p] ? 1 : 0));
            rows.gradAndUpdate(delta, -lr * delta, ws, wOff + (long) n * d, x, xOff, g, gOff, d);
        }
        return (float) loss;
    }
}
