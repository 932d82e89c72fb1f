package dev.kindling.core.hsm;

import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

/** The one input row a single-input top-k takes: [d] or [1, d], as [1, d]; several rows are refused. */
final class OneRow {

    private OneRow() {
    }

    static Tensor of(Tensor input) {
        Tensor x = input.dim() == 1 ? input.view(1, input.size(0)) : input;
        if (x.dim() == 2 && x.size(0) != 1) {
            throw new IllegalArgumentException("topK of one input takes [d] or [1, d], got " + Shapes.str(input.shape())
                    + "; use topKBatch for several rows");
        }
        return x;
    }
}
