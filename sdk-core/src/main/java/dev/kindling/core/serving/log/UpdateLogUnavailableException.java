package dev.kindling.core.serving.log;

import java.time.Duration;

/**
 * The update log cannot take an example now (a fleet's broker is unreachable, or did not confirm the write in
 * time): nothing was acknowledged, the caller may retry after {@link #retryAfter()}. Classification is unaffected.
 * When the log only failed to confirm in time, the example may still have been logged: a retry may then teach it
 * twice, never zero times.
 */
public final class UpdateLogUnavailableException extends RuntimeException {

    private final Duration retryAfter;

    public UpdateLogUnavailableException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
