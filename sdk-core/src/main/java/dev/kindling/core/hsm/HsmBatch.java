package dev.kindling.core.hsm;

import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

/**
 * The input of a {@link HierarchicalSoftmax}: features [batch, d] and one target class per row. Its
 * backward returns an {@code HsmBatch} whose {@code input} is the gradient with respect to the features.
 */
public record HsmBatch(Tensor input, IndexTensor targets) {

    public HsmBatch {
        Shapes.requireRank("HSM input", input, 2);
        if (targets.dim() != 1 || targets.numel() != input.size(0)) {
            throw new IllegalArgumentException("HSM targets must be 1-d with one class per input row (" + input.size(0) + "), got "
                    + Shapes.str(targets.shape()));
        }
    }
}
