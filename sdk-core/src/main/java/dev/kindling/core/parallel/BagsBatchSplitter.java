package dev.kindling.core.parallel;

import dev.kindling.core.device.ComputeDevice;
import dev.kindling.core.nn.Bags;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.tensor.TensorSlicing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Splits {@link Bags} by bag: each part holds whole bags, its ids and per-id weights. */
final class BagsBatchSplitter implements BatchSplitter<Bags> {

    @Override
    public int dimension() {
        return 0;
    }

    @Override
    public int batchSize(Bags input) {
        return input.bagCount();
    }

    @Override
    public Bags slice(Bags input, int start, int length, ComputeDevice device) {
        int[] offsets = input.offsets().data();
        int from = start < offsets.length ? offsets[start] : input.ids().numel();
        int to = start + length < offsets.length ? offsets[start + length] : input.ids().numel();
        int[] ids = Arrays.copyOfRange(input.ids().data(), from, to);
        int[] off = new int[length];
        for (int b = 0; b < length; b++) {
            off[b] = offsets[start + b] - from;
        }
        Tensor w = null;
        if (input.perIdWeights() != null) {
            w = input.perIdWeights().narrow(from, to - from).to(device.device());
            if (!input.perIdWeights().device().equals(device.device())) {
                device.recordBytesMoved((long) (to - from) * Float.BYTES);
            }
        }
        return new Bags(IndexTensor.wrap(ids, ids.length), IndexTensor.wrap(off, length), w);
    }

    @Override
    public Bags gather(Bags input, List<Bags> partGradients, Device target) {
        if (input.perIdWeights() == null || partGradients.stream().anyMatch(g -> g == null || g.perIdWeights() == null)) {
            return null;
        }
        List<Tensor> parts = new ArrayList<>();
        partGradients.forEach(g -> parts.add(g.perIdWeights()));
        return new Bags(input.ids(), input.offsets(), TensorSlicing.concat(parts, 0, target));
    }
}
