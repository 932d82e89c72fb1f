package dev.kindling.core.serving.routing;

import java.time.Duration;

/** A request refused for lack of capacity (nothing was done); the caller may retry after {@link #retryAfter()}. */
public abstract class RetryLaterException extends RuntimeException {

    private final Duration retryAfter;

    protected RetryLaterException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
