package dev.kindling.core.serving.model;

import dev.kindling.core.text.TrainingArgs;

/** The output layer a served model must have (checked when its file is loaded). */
public enum ClassifierType {
    /** Binary Huffman-tree hierarchical softmax (fastText's {@code -loss hs}; cost ~ log₂ classes per example). */
    HS,
    /** Two-level hierarchical softmax (cost ~ √classes per example). */
    HSM,
    /** Exact full softmax. */
    SOFTMAX,
    /** One logistic regression per label trained by negative sampling (fastText's {@code -loss ns}). */
    NS,
    /** One logistic regression per label, multi-label (fastText's {@code -loss ova}). */
    OVA,
    /** Whatever the model file holds. */
    ANY;

    /** Whether a model trained with {@code loss} is of this type. */
    public boolean admits(TrainingArgs.Loss loss) {
        return this == ANY || name().equals(loss.name());
    }
}
