package dev.kindling.core.serving.model;

import dev.kindling.core.text.ModelDelta;
import dev.kindling.core.text.TextClassifier;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The copy of a model that classification reads while a validation gate holds the learned copy back: its parameters,
 * the counters that describe them, and the rounds learned since (their {@link ModelDelta}s), which a promotion applies
 * in order. When the rounds cannot be expressed as deltas ({@code -loss hs} trains in place), or they grew past a
 * budget while promotion was held, the next promotion copies the learned model whole instead. Guarded by the owning
 * {@link ServedModel}'s locks: changed only under its mutation lock, the parameters and counters also under its write lock.
 */
final class ServingCopy {

    /** Makes an independent copy of a classifier (a new serving copy after a swap, or a full promotion). */
    final UnaryOperator<TextClassifier> copier;
    private final long maxPendingFloats;
    TextClassifier classifier;
    ModelState state;
    final List<ModelDelta> pending = new ArrayList<>();
    private long pendingFloats;
    boolean fullCopyNeeded;

    ServingCopy(UnaryOperator<TextClassifier> copier, TextClassifier classifier, ModelState state, long maxPendingFloats) {
        this.copier = copier;
        this.classifier = classifier;
        this.state = state;
        this.maxPendingFloats = maxPendingFloats;
    }

    /** Records a round learned since the last promotion; past the budget the deltas are dropped for a full copy. */
    void add(ModelDelta delta) {
        if (fullCopyNeeded) {
            return;
        }
        pending.add(delta);
        pendingFloats += delta.floats();
        if (pendingFloats > maxPendingFloats) {
            needFullCopy();
        }
    }

    /** A round that has no delta: only a full copy brings the serving copy up to the learned one. */
    void needFullCopy() {
        pending.clear();
        pendingFloats = 0;
        fullCopyNeeded = true;
    }

    void clearPending() {
        pending.clear();
        pendingFloats = 0;
        fullCopyNeeded = false;
    }

    /** Floats held by the deltas waiting for promotion (memory the lag costs beyond the second copy). */
    long pendingFloats() {
        return pendingFloats;
    }

    /** Rounds a delta promotion would apply; 0 with a full copy due. */
    int pendingRounds() {
        return pending.size();
    }
}
