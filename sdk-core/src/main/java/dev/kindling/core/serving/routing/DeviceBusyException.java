package dev.kindling.core.serving.routing;

import java.time.Duration;

/** Every device that could serve the request is at its concurrency limit; retry after the given delay. */
public class DeviceBusyException extends RetryLaterException {

    public DeviceBusyException(String message, Duration retryAfter) {
        super(message, retryAfter);
    }
}
