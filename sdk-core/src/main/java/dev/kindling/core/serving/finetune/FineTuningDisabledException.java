package dev.kindling.core.serving.finetune;

/**
 * Feedback or a job for a model whose settings turn fine-tuning off (or an engine built without it): the model
 * exists but does not learn (HTTP 409). An {@link IllegalArgumentException}, as it was before it had its own type.
 */
public class FineTuningDisabledException extends IllegalArgumentException {

    public FineTuningDisabledException(String message) {
        super(message);
    }
}
