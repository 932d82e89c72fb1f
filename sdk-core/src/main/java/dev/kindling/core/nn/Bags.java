package dev.kindling.core.nn;

import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

/**
 * The input of an {@link EmbeddingBag}: a flat list of ids cut into bags by {@code offsets} (bag b holds
 * ids[offsets[b] .. offsets[b+1]), the last bag runs to the end), with optional per-id weights.
 */
public record Bags(IndexTensor ids, IndexTensor offsets, Tensor perIdWeights) {

    public Bags {
        if (ids.dim() != 1 || offsets.dim() != 1) {
            throw new IllegalArgumentException("Bags ids and offsets must be 1-d, got " + Shapes.str(ids.shape()) + " and "
                    + Shapes.str(offsets.shape()));
        }
        int prev = 0;
        for (int b = 0; b < offsets.numel(); b++) {
            int o = offsets.get(b);
            if ((b == 0 && o != 0) || o < prev || o > ids.numel()) {
                throw new IllegalArgumentException("Bags offsets must start at 0, never decrease and stay <= " + ids.numel()
                        + " (the number of ids); offset " + b + " is " + o);
            }
            prev = o;
        }
        if (perIdWeights != null && (perIdWeights.dim() != 1 || perIdWeights.numel() != ids.numel())) {
            throw new IllegalArgumentException("Bags per-id weights must be 1-d with one weight per id (" + ids.numel() + "), got "
                    + Shapes.str(perIdWeights.shape()));
        }
    }

    public Bags(IndexTensor ids, IndexTensor offsets) {
        this(ids, offsets, null);
    }

    /** Bags of equal length from a [bags, n] id matrix. */
    public static Bags fixedLength(IndexTensor ids2d) {
        if (ids2d.dim() != 2) {
            throw new IllegalArgumentException("fixed-length bags need a [bags, n] id matrix, got " + Shapes.str(ids2d.shape()));
        }
        int bags = ids2d.size(0), n = ids2d.size(1);
        int[] offsets = new int[bags];
        for (int b = 0; b < bags; b++) {
            offsets[b] = b * n;
        }
        return new Bags(ids2d.view(bags * n), IndexTensor.wrap(offsets, bags), null);
    }

    public int bagCount() {
        return offsets.numel();
    }
}
