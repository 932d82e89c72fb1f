package dev.kindling.core.serving.finetune;

/**
 * A model's fine-tuning is not running (the engine is shutting down, or learning stopped after a failure): the example
 * or job was not accepted, nothing was logged; classification still serves. A state, not a bug: callers may retry.
 */
public class FineTuningStoppedException extends IllegalStateException {

    public FineTuningStoppedException(String message) {
        super(message);
    }

    public FineTuningStoppedException(String message, Throwable cause) {
        super(message, cause);
    }
}
