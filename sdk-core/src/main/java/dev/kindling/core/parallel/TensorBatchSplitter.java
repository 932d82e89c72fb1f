package dev.kindling.core.parallel;

import dev.kindling.core.device.ComputeDevice;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.tensor.TensorSlicing;

import java.util.List;

/** Splits dense inputs along one dimension; input gradients are concatenated along it. */
final class TensorBatchSplitter implements BatchSplitter<Tensor> {

    private final int dimension;

    TensorBatchSplitter(int dimension) {
        this.dimension = BatchSplitter.requireDimension("batch", dimension);
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int batchSize(Tensor input) {
        TensorSlicing.requireDimension("data-parallel input", input, dimension);
        return input.size(dimension);
    }

    @Override
    public Tensor slice(Tensor input, int start, int length, ComputeDevice device) {
        Tensor part = TensorSlicing.slice(input, dimension, start, length, device.device());
        if (!input.device().equals(device.device())) {
            device.recordBytesMoved(part.numel() * Float.BYTES);
        }
        return part;
    }

    @Override
    public Tensor gather(Tensor input, List<Tensor> partGradients, Device target) {
        if (partGradients.stream().anyMatch(g -> g == null)) {
            return null;
        }
        return TensorSlicing.concat(partGradients, dimension, target);
    }
}
