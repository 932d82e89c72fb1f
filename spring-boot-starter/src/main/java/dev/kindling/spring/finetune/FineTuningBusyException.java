package dev.kindling.spring.finetune;

import dev.kindling.spring.RetryLaterException;

import java.time.Duration;

/** The fine-tuning queue is full: the example was not accepted (nothing was written); retry later. */
public class FineTuningBusyException extends RetryLaterException {

    public FineTuningBusyException(String message, Duration retryAfter) {
        super(message, retryAfter);
    }
}
