package dev.kindling.spring.device;

import java.time.Duration;

/** Every device that could serve the request is at its concurrency limit; retry after the given delay. */
public class DeviceBusyException extends RuntimeException {

    private final Duration retryAfter;

    public DeviceBusyException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
