package dev.kindling.core.serving.guard;

import java.time.Duration;

/**
 * A label policy refused feedback or a job before anything was logged: {@link #rule()} names the rule, {@link #label()}
 * the label (null when the refusal is about a whole job), {@link #retryAfter()} when a rate rule frees up (null for
 * rules that a retry does not satisfy).
 */
public final class LabelRefusedException extends RuntimeException {

    private final String model;
    private final LabelRule rule;
    private final String label;
    private final Duration retryAfter;

    public LabelRefusedException(String model, LabelRule rule, String label, String message, Duration retryAfter) {
        super(message);
        this.model = model;
        this.rule = rule;
        this.label = label;
        this.retryAfter = retryAfter;
    }

    public String model() {
        return model;
    }

    public LabelRule rule() {
        return rule;
    }

    public String label() {
        return label;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
