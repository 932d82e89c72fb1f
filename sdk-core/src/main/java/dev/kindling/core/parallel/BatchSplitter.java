package dev.kindling.core.parallel;

import dev.kindling.core.device.ComputeDevice;
import dev.kindling.core.nn.Bags;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;

import java.util.List;

/**
 * How a {@link DataParallel} cuts its input type into per-replica parts along the batch and joins the
 * parts' input gradients back together.
 *
 * @param <I> the input type of the replicated module
 */
public interface BatchSplitter<I> {

    /** The batch dimension. */
    int dimension();

    /** The number of examples along the batch dimension; fails with a clear message for unsuitable input. */
    int batchSize(I input);

    /** Examples [start, start + length) of {@code input}, placed on {@code device} (copies are counted there). */
    I slice(I input, int start, int length, ComputeDevice device);

    /**
     * The input gradient of the whole batch from the parts' input gradients (in batch order, empty parts left
     * out), on {@code target}; null when the input type has no gradient (ids).
     */
    I gather(I input, List<I> partGradients, Device target);

    /** Dense tensors split along {@code dimension}. */
    static BatchSplitter<Tensor> tensors(int dimension) {
        return new TensorBatchSplitter(dimension);
    }

    /** Id tensors (embedding lookups) split along {@code dimension}; they have no input gradient. */
    static BatchSplitter<IndexTensor> ids(int dimension) {
        return new IdBatchSplitter(dimension);
    }

    /** Bags of ids split by bag; the gradient of per-id weights, when present, is joined. */
    static BatchSplitter<Bags> bags() {
        return new BagsBatchSplitter();
    }

    /** Fails unless {@code dimension} is a valid (non-negative) dimension index. */
    static int requireDimension(String what, int dimension) {
        if (dimension < 0) {
            throw new IllegalArgumentException(what + " dimension must be >= 0, got " + dimension);
        }
        return dimension;
    }
}
