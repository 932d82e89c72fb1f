package dev.kindling.core.text;

import dev.kindling.core.hsm.StagedOutput;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.RowPatch;
import dev.kindling.core.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * One round of online training, done on private copies of the rows it touches while the live classifier goes on
 * serving (see {@link OnlineTrainer#stage}); {@link #publish} then writes those rows into the live classifier and
 * activates the words the round taught, in one short step the caller keeps readers out of. Publishing gives the
 * live classifier exactly the values training it in place would have (same kernels, same order).
 */
public final class StagedUpdate {

    private final TextClassifier model;
    private final OnlineTrainer.Growth growth;
    private final int[] inputRows;
    private final Tensor inputValues;
    private final StagedOutput output;
    private final int[] wordsToActivate;
    private final OnlineTrainer.Result result;
    private boolean published;

    StagedUpdate(TextClassifier model, OnlineTrainer.Growth growth, int[] inputRows, Tensor inputValues, StagedOutput output,
                 int[] wordsToActivate, OnlineTrainer.Result result) {
        this.model = model;
        this.growth = growth;
        this.inputRows = inputRows;
        this.inputValues = inputValues;
        this.output = output;
        this.wordsToActivate = wordsToActivate;
        this.result = result;
    }

    /** What the round did (loss, steps, the rows and classes it changed, labels it added). */
    public OnlineTrainer.Result result() {
        return result;
    }

    /** Floats {@link #publish} copies into the live model (input and output rows). */
    public long floatsPublished() {
        return inputValues.numel() + output.floatsPublished();
    }

    /**
     * What this round changes, as another copy of the same model (a fleet replica at the same version) applies it
     * with {@link ModelDelta#applyTo}: the labels and words added, the rows written, the words activated.
     */
    public ModelDelta delta() {
        List<RowPatch> patches = new ArrayList<>();
        patches.add(RowPatch.of(ModelDelta.INPUT_TABLE, inputRows, inputValues));
        patches.addAll(output.patches());
        return new ModelDelta(growth.labels(), growth.words(), wordsToActivate, patches);
    }

    /** Writes the round's rows into the live classifier and activates its new words; once. */
    public OnlineTrainer.Result publish() {
        if (published) {
            throw new IllegalStateException("this update was published already");
        }
        published = true;
        Tensor live = model.inputTable();
        live.backend().embedding().setRows(live, IndexTensor.wrap(inputRows, inputRows.length), inputValues);
        output.publish();
        Dictionary dict = model.dictionary();
        for (int w : wordsToActivate) {
            dict.activate(w);
        }
        return result;
    }
}
