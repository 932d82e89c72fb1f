package dev.kindling.core.serving.guard;

/** The rules of a {@link LabelPolicy}; each refusal names the one that refused. */
public enum LabelRule {
    /** A new label is neither on the model's allow-list nor matches its pattern. */
    ALLOW_LIST("allow-list", false),
    /** A new label does not match the model's label pattern (no allow-list is configured). */
    PATTERN("pattern", false),
    /** The model took as many new labels in the last hour as it may. */
    NEW_LABELS_PER_HOUR("new-labels-per-hour", true),
    /** The model holds as many labels beyond its base model's as it may. */
    NEW_LABELS_TOTAL("new-labels-total", false),
    /** A label got as many feedback examples this minute as it may. */
    EXAMPLES_PER_LABEL_PER_MINUTE("examples-per-label-per-minute", true);

    private final String id;
    private final boolean retryable;

    LabelRule(String id, boolean retryable) {
        this.id = id;
        this.retryable = retryable;
    }

    /** The rule's name in problem details, metrics tags and settings (kebab case). */
    public String id() {
        return id;
    }

    /** Whether the same request may succeed later (a rate), as opposed to never under the current settings. */
    public boolean retryable() {
        return retryable;
    }
}
