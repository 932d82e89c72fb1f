package dev.kindling.core.nn;

import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

import java.util.Arrays;
import java.util.Random;

/**
 * An embedding table (fbcunn {@code LookupTableGPU} semantics): weight nIndex × dim; input ids of any
 * shape ((batch ×) n); output the input's shape plus dim. Optional padding id, whose row is zero and
 * never receives a gradient; optional max-norm renormalization of the rows a forward pass reads.
 * Gradients are row-sparse (only touched rows) unless constructed with {@code sparseGradients = false},
 * and duplicate ids are summed deterministically.
 */
public final class LookupTable extends Module<IndexTensor> {

    /** Id value meaning "no padding id". */
    public static final int NO_PADDING = -1;

    private final int nIndex;
    private final int dim;
    private final int paddingId;
    private final float maxNorm;
    private final float normType;
    private final Parameter weight;

    public LookupTable(int nIndex, int dim) {
        this(nIndex, dim, NO_PADDING, 0f, 2f, true, new Random());
    }

    /**
     * @param paddingId       an id whose row stays zero, or {@link #NO_PADDING}
     * @param maxNorm         when &gt; 0, rows read by forward are rescaled to at most this norm
     * @param normType        the p of the p-norm used for {@code maxNorm}
     * @param sparseGradients whether the weight's gradient is row-sparse (else dense)
     */
    public LookupTable(int nIndex, int dim, int paddingId, float maxNorm, float normType, boolean sparseGradients, Random rng) {
        this(Tensor.randn(rng, 1f, checkSize(nIndex, dim)[0], dim), paddingId, maxNorm, normType, sparseGradients);
    }

    /** A table over existing weights (a loaded checkpoint, an off-heap or memory-mapped tensor). */
    public LookupTable(Tensor weights, int paddingId, float maxNorm, float normType, boolean sparseGradients) {
        Shapes.requireRank("LookupTable weight", weights, 2);
        this.nIndex = weights.size(0);
        this.dim = weights.size(1);
        checkSize(nIndex, dim);
        if (paddingId != NO_PADDING && (paddingId < 0 || paddingId >= nIndex)) {
            throw new IllegalArgumentException("LookupTable padding id " + paddingId + " out of range [0, " + nIndex + ")");
        }
        if (maxNorm < 0 || !Float.isFinite(maxNorm) || !(normType > 0)) {
            throw new IllegalArgumentException("LookupTable maxNorm must be finite and >= 0 and normType > 0, got maxNorm=" + maxNorm
                    + " normType=" + normType);
        }
        this.paddingId = paddingId;
        this.maxNorm = maxNorm;
        this.normType = normType;
        this.weight = sparseGradients ? registerSparseParameter("weight", weights) : registerParameter("weight", weights);
        if (paddingId != NO_PADDING) {
            weights.backend().blas().fill(weights.select(paddingId), 0f);
        }
    }

    private static int[] checkSize(int nIndex, int dim) {
        if (nIndex <= 0 || dim <= 0) {
            throw new IllegalArgumentException("LookupTable needs nIndex > 0 and dim > 0, got " + nIndex + " x " + dim);
        }
        return new int[]{nIndex, dim};
    }

    public Parameter weight() {
        return weight;
    }

    public int nIndex() {
        return nIndex;
    }

    public int dim() {
        return dim;
    }

    public int paddingId() {
        return paddingId;
    }

    @Override
    public Tensor forward(IndexTensor input) {
        input.requireRange("LookupTable", nIndex);
        Tensor w = weight.value();
        if (maxNorm > 0) {
            w.backend().embedding().renormRows(w, input, maxNorm, normType);
        }
        Tensor out = Tensor.zeros(w.device(), input.numel(), dim);
        w.backend().embedding().gatherRows(w, input, out);
        return out.view(outputShape(input));
    }

    /** Accumulates the weight gradient; ids have no gradient, so this returns null. */
    @Override
    public IndexTensor backward(IndexTensor input, Tensor gradOutput) {
        input.requireRange("LookupTable", nIndex);
        Shapes.requireShape("LookupTable gradOutput", gradOutput, outputShape(input));
        Tensor g = gradOutput.view(input.numel(), dim);
        RowSparse rows = g.backend().embedding().lookupBackward(input, g, paddingId, nIndex);
        if (weight.isSparse()) {
            weight.accumulate(rows);
        } else {
            g.backend().embedding().scatterAddRows(rows, 1f, weight.grad());
        }
        return null;
    }

    private int[] outputShape(IndexTensor input) {
        int[] s = Arrays.copyOf(input.shape(), input.dim() + 1);
        s[input.dim()] = dim;
        return s;
    }

    @Override
    public String toString() {
        return "LookupTable(" + nIndex + " x " + dim + (paddingId != NO_PADDING ? ", padding " + paddingId : "")
                + (maxNorm > 0 ? ", maxNorm " + maxNorm : "") + ")";
    }
}
