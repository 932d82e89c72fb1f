package dev.kindling.core.serving.guard;

/** A request for what a model's guardrails turn off (e.g. its audit trail when auditing is off). */
public final class GuardrailOffException extends RuntimeException {

    public GuardrailOffException(String message) {
        super(message);
    }
}
