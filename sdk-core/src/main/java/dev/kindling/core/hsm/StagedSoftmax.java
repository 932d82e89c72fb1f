package dev.kindling.core.hsm;

import dev.kindling.core.tensor.RowPatch;
import dev.kindling.core.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * The full softmax's private training copy: every step moves every class row (the gradient of a softmax over all
 * classes), so the copy is the whole layer, trained by the same step on its own tensors and copied back on publish.
 * The copy costs what one step already costs (N × d); the engine serves meanwhile.
 */
final class StagedSoftmax implements StagedOutput {

    private final Tensor liveWeight, liveBias;
    private final FullSoftmax copy;
    private final int[] target = new int[1];
    private final dev.kindling.core.tensor.IndexTensor targetIds = dev.kindling.core.tensor.IndexTensor.wrap(target, 1);

    StagedSoftmax(FullSoftmax live) {
        this.liveWeight = live.weight();
        this.liveBias = live.bias();
        this.copy = new FullSoftmax(liveWeight.copy(), liveBias.copy(), live.scoreConvention());
    }

    @Override
    public void prepareToTrain(int cls) {
        copy.prepareToTrain(cls);
    }

    @Override
    public void trainStep(Tensor input, int cls, float lr, Tensor gradInput, Tensor lossOut) {
        target[0] = cls;
        copy.trainStepUnchecked(input, targetIds, lr, gradInput, lossOut);
    }

    @Override
    public void publish() {
        liveWeight.copyFrom(copy.weight());
        liveBias.copyFrom(copy.bias());
    }

    @Override
    public List<RowPatch> patches() {
        int[] all = new int[liveWeight.size(0)];
        Arrays.setAll(all, i -> i);
        return List.of(RowPatch.of(FullSoftmax.WEIGHT, all, copy.weight()), RowPatch.of(FullSoftmax.BIAS, all, copy.bias()));
    }

    @Override
    public long floatsPublished() {
        return liveWeight.numel() + liveBias.numel();
    }
}
