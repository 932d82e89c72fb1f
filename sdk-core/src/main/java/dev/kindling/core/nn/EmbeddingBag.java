package dev.kindling.core.nn;

import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

import java.util.Random;

/**
 * Sums or means of embedding rows over variable-length bags (one output row per bag), with optional
 * per-id weights as in fbcunn's {@code WeightedLookupTable}. Output [bags, dim]. The table gradient is
 * row-sparse; when per-id weights are given, backward returns their gradient in a {@link Bags} whose
 * {@code perIdWeights} holds it.
 */
public final class EmbeddingBag extends Module<Bags> {

    public enum Mode { SUM, MEAN }

    private final int nIndex;
    private final int dim;
    private final Mode mode;
    private final int paddingId;
    private final Parameter weight;

    public EmbeddingBag(int nIndex, int dim, Mode mode) {
        this(nIndex, dim, mode, LookupTable.NO_PADDING, new Random());
    }

    public EmbeddingBag(int nIndex, int dim, Mode mode, int paddingId, Random rng) {
        this(initial(nIndex, dim, rng), mode, paddingId);
    }

    /** A bag over existing weights (a checkpoint, an off-heap or memory-mapped tensor). */
    public EmbeddingBag(Tensor weights, Mode mode, int paddingId) {
        Shapes.requireRank("EmbeddingBag weight", weights, 2);
        this.nIndex = weights.size(0);
        this.dim = weights.size(1);
        if (nIndex <= 0 || dim <= 0) {
            throw new IllegalArgumentException("EmbeddingBag needs nIndex > 0 and dim > 0, got " + Shapes.str(weights.shape()));
        }
        if (paddingId != LookupTable.NO_PADDING && (paddingId < 0 || paddingId >= nIndex)) {
            throw new IllegalArgumentException("EmbeddingBag padding id " + paddingId + " out of range [0, " + nIndex + ")");
        }
        this.mode = mode;
        this.paddingId = paddingId;
        this.weight = registerSparseParameter("weight", weights);
        if (paddingId != LookupTable.NO_PADDING) {
            weights.backend().blas().fill(weights.select(paddingId), 0f);
        }
    }

    private static Tensor initial(int nIndex, int dim, Random rng) {
        if (nIndex <= 0 || dim <= 0) {
            throw new IllegalArgumentException("EmbeddingBag needs nIndex > 0 and dim > 0, got " + nIndex + " x " + dim);
        }
        return Tensor.randn(rng, 1f, nIndex, dim);
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

    public Mode mode() {
        return mode;
    }

    @Override
    public Tensor forward(Bags input) {
        check(input);
        Tensor w = weight.value();
        Tensor out = Tensor.zeros(w.device(), input.bagCount(), dim);
        w.backend().embedding().embeddingBag(w, input.ids(), input.offsets(), input.perIdWeights(), mode == Mode.MEAN,
                paddingId, out);
        return out;
    }

    @Override
    public Bags backward(Bags input, Tensor gradOutput) {
        check(input);
        Shapes.requireShape("EmbeddingBag gradOutput", gradOutput, input.bagCount(), dim);
        Tensor w = weight.value();
        RowSparse rows = w.backend().embedding().embeddingBagBackward(input.ids(), input.offsets(), input.perIdWeights(),
                mode == Mode.MEAN, paddingId, gradOutput, nIndex);
        Tensor gradWeights = null;
        if (input.perIdWeights() != null) {
            gradWeights = input.perIdWeights().zerosLike();
            w.backend().embedding().embeddingBagWeightGrad(w, input.ids(), input.offsets(), mode == Mode.MEAN, paddingId,
                    gradOutput, gradWeights);
        }
        weight.accumulate(rows);
        return gradWeights == null ? null : new Bags(input.ids(), input.offsets(), gradWeights);
    }

    private void check(Bags input) {
        input.ids().requireRange("EmbeddingBag", nIndex);
        if (input.perIdWeights() != null) {
            Shapes.requireSameDevice("EmbeddingBag per-id weights and table", input.perIdWeights(), weight.value());
        }
    }

    @Override
    public String toString() {
        return "EmbeddingBag(" + nIndex + " x " + dim + ", " + mode.name().toLowerCase() + ")";
    }
}
