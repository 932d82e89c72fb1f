package dev.kindling.spring.finetune;

import java.time.Duration;

/** The fine-tuning queue is full: the example was not accepted (nothing was written); retry later. */
public class FineTuningBusyException extends RuntimeException {

    private final Duration retryAfter;

    public FineTuningBusyException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
