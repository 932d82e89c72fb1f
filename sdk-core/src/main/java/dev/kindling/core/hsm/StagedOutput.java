package dev.kindling.core.hsm;

import dev.kindling.core.tensor.RowPatch;
import dev.kindling.core.tensor.Tensor;

import java.util.List;

/**
 * A private copy of the rows of an {@link OutputLayer} that training on a known set of classes can change, to
 * train on while the live layer goes on serving; {@link #publish} then writes them into the live layer in one
 * short step. Training here is exactly the live layer's step: the same kernels on the same values.
 */
public interface StagedOutput {

    /** {@link OutputLayer#prepareToTrain} on the private copy. */
    void prepareToTrain(int cls);

    /** One SGD step of one example on the private copy, as {@link OutputLayer#trainStep}; {@code cls} is a live class id. */
    void trainStep(Tensor input, int cls, float lr, Tensor gradInput, Tensor lossOut);

    /** Writes the private rows into the live layer. The caller keeps readers out while it runs (it is a few copies). */
    void publish();

    /** The rows {@link #publish} writes, as floats: what a replica elsewhere must take. */
    long floatsPublished();

    /** The rows {@link #publish} writes, as patches of the output layer's named tables (see {@link OutputLayer#patchTarget}). */
    List<RowPatch> patches();
}
