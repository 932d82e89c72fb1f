package dev.kindling.core.parallel;

import dev.kindling.core.device.ComputeDevice;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.TensorSlicing;

import java.util.List;

/** Splits host id tensors along one dimension (ids stay on the host; backends upload them). */
final class IdBatchSplitter implements BatchSplitter<IndexTensor> {

    private final int dimension;

    IdBatchSplitter(int dimension) {
        this.dimension = BatchSplitter.requireDimension("batch", dimension);
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int batchSize(IndexTensor input) {
        if (dimension >= input.dim()) {
            throw new IllegalArgumentException("data-parallel input: dimension " + dimension + " out of range for ids of shape "
                    + Shapes.str(input.shape()) + " (rank " + input.dim() + ")");
        }
        return input.size(dimension);
    }

    @Override
    public IndexTensor slice(IndexTensor input, int start, int length, ComputeDevice device) {
        int[] shape = input.shape();
        long outer = TensorSlicing.outer(shape, dimension);
        long inner = TensorSlicing.inner(shape, dimension);
        int size = shape[dimension];
        int[] src = input.data();
        int[] out = new int[Math.toIntExact(outer * length * inner)];
        for (int o = 0; o < outer; o++) {
            System.arraycopy(src, (int) ((o * size + start) * inner), out, (int) (o * length * inner), (int) (length * inner));
        }
        shape[dimension] = length;
        return IndexTensor.wrap(out, shape);
    }

    @Override
    public IndexTensor gather(IndexTensor input, List<IndexTensor> partGradients, Device target) {
        return null;
    }
}
