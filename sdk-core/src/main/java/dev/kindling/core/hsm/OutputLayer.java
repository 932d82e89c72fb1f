package dev.kindling.core.hsm;

import dev.kindling.core.backend.ThreadTrainer;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;

import java.util.List;

/**
 * A large-vocabulary output layer as the text classifier and the serving layer use it: a probability
 * distribution over classes given a hidden vector, trained by a lock-free direct-update step, searched for
 * its exact top-k without scoring every class, and grown with new classes while it serves. Implemented by
 * the two-level {@link HierarchicalSoftmax} and the binary-tree {@link BinaryTreeSoftmax}.
 */
public interface OutputLayer {

    int dim();

    int classes();

    /**
     * One SGD step with learning rate {@code lr} applied straight into the weights (Hogwild-safe); writes each
     * example's loss to {@code lossOut} [batch] and its input gradient to {@code gradInput} [batch, d].
     */
    void trainStep(Tensor input, IndexTensor targets, float lr, Tensor gradInput, Tensor lossOut);

    /** {@link #trainStep} without argument checks, for trainers that validated their data once. */
    void trainStepUnchecked(Tensor input, IndexTensor targets, float lr, Tensor gradInput, Tensor lossOut);

    /**
     * A training thread's own handle on the direct-update step, for Hogwild trainers: each thread takes one and
     * flushes it when done. A layer may keep updates of weights that every example writes in the thread for up
     * to {@code publishEvery} examples (&ge; 1) before publishing them; the default applies every step at once
     * with {@link #trainStepUnchecked}.
     */
    default ThreadTrainer threadTrainer(int publishEvery) {
        ThreadTrainer.requirePublishEvery(publishEvery);
        return (ThreadTrainer.Direct) this::trainStepUnchecked;
    }

    /** log p(classes[b] | input[b]) for each row, [batch]. */
    Tensor logProb(Tensor input, IndexTensor classes);

    /** log p(k | input[b]) for every class, [batch, N]: scores everything, for checks and small models. */
    Tensor logProbsAll(Tensor input);

    /**
     * The k most probable classes of one input row [d] or [1, d], exactly, with their log-probabilities, or,
     * under {@link ScoreConvention#FASTTEXT}, fastText's scores (which a tree softmax may return for fewer
     * than k classes, as fastText does).
     */
    TopK topK(Tensor input, int k);

    /**
     * {@link #topK} limited to classes whose probability reaches {@code threshold} (in [0, 1]); under fastText's
     * convention the threshold applies as fastText applies it, inside its search, which decides among tied
     * classes.
     */
    default TopK topK(Tensor input, int k, float threshold) {
        TopK top = topK(input, k);
        int n = 0;
        while (n < top.size() && scoreConvention().passes(top.logProbs()[n], threshold)) {
            n++;
        }
        return n == top.size() ? top : new TopK(java.util.Arrays.copyOf(top.classes(), n), java.util.Arrays.copyOf(top.logProbs(), n));
    }

    /** How {@link #topK} reports scores: true log-probabilities unless the layer reproduces fastText's numbers. */
    default ScoreConvention scoreConvention() {
        return ScoreConvention.EXACT;
    }

    /** Exact top-k for every row of [batch, d]. */
    List<TopK> topKBatch(Tensor input, int k);

    /**
     * Adds {@code count} classes without changing the probabilities of existing ones (to float precision)
     * until training touches the new ones; returns the first new id. Inference may run meanwhile; training
     * must not.
     */
    int addClasses(int count);

    /**
     * A private copy of the rows that training on {@code classes} can change, to train on while this layer goes on
     * serving (see {@link StagedOutput}); null where the layer cannot stage, and its caller trains it in place.
     * Must not run concurrently with training or growth.
     */
    default StagedOutput stage(int[] classes) {
        return null;
    }

    /**
     * The live table a {@link dev.kindling.core.tensor.RowPatch} of this layer names (as {@link StagedOutput#patches}
     * names them), for another copy of the model to apply what one copy learned.
     *
     * @throws IllegalArgumentException when this layer has no such table
     */
    default Tensor patchTarget(String table) {
        throw new IllegalArgumentException(this + " has no table '" + table + "' to patch");
    }

    /**
     * Called before a class is trained: a class added by {@link #addClasses} starts out near-impossible, and
     * would need very many examples to be lifted; this gives it the odds of an untrained class instead.
     */
    void prepareToTrain(int cls);
}
