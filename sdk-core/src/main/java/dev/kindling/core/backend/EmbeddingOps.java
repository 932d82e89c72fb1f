package dev.kindling.core.backend;

import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;

/**
 * Row gathers and their deterministic backward passes. Gradients for duplicate ids are summed in a
 * fixed order (ids sorted, then by position), so results do not depend on thread timing.
 */
public interface EmbeddingOps {

    /** out[i, :] = table[ids[i], :]; out is [ids.numel, dim]. */
    void gatherRows(Tensor table, IndexTensor ids, Tensor out);

    /**
     * out[b, :] = Σ w_i · table[ids[i], :] over the ids of bag b (offsets[b] ≤ i &lt; offsets[b+1], the last
     * bag ends at ids.numel), divided by the bag's length when {@code mean}. Ids equal to
     * {@code paddingId} are skipped and do not count toward a mean. An empty bag gives zeros.
     * {@code perIdWeights} may be null (all ones).
     */
    void embeddingBag(Tensor table, IndexTensor ids, IndexTensor offsets, Tensor perIdWeights, boolean mean,
                      int paddingId, Tensor out);

    /** The summed gradient per distinct id for a lookup; ids equal to {@code paddingId} get none. */
    RowSparse lookupBackward(IndexTensor ids, Tensor gradOutput, int paddingId, int totalRows);

    /** The summed table gradient per distinct id for {@link #embeddingBag}. */
    RowSparse embeddingBagBackward(IndexTensor ids, IndexTensor offsets, Tensor perIdWeights, boolean mean,
                                   int paddingId, Tensor gradOutput, int totalRows);

    /**
     * Gradient of the loss with respect to the per-id weights: gradWeights[i] = ⟨gradOutput[bag(i)],
     * table[ids[i]]⟩, divided by the bag's length when {@code mean}.
     */
    void embeddingBagWeightGrad(Tensor table, IndexTensor ids, IndexTensor offsets, boolean mean, int paddingId,
                                Tensor gradOutput, Tensor gradWeights);

    /** Rescales each distinct referenced row whose p-norm exceeds {@code maxNorm} down to {@code maxNorm}. */
    void renormRows(Tensor table, IndexTensor ids, float maxNorm, float normType);

    /** a + b as one row-sparse tensor (rows of both, summed where they meet). */
    RowSparse addRows(RowSparse a, RowSparse b);

    /** dense[rows[i], :] += alpha * values[i, :]. */
    void scatterAddRows(RowSparse sparse, float alpha, Tensor dense);

    /**
     * table[rows[i], :] = values[i, :] for distinct rows: what a replica of a table on another device uses to
     * take the rows its source changed. {@code values} is [rows.numel, dim] on the table's device.
     */
    void setRows(Tensor table, IndexTensor rows, Tensor values);
}
