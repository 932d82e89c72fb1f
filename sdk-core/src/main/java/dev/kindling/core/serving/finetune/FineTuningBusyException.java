package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.routing.RetryLaterException;

import java.time.Duration;

/** The fine-tuning queue is full: the example was not accepted (nothing was written); retry later. */
public class FineTuningBusyException extends RetryLaterException {

    public FineTuningBusyException(String message, Duration retryAfter) {
        super(message, retryAfter);
    }
}
