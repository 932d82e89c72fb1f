package dev.kindling.core.serving.routing;

/** No device could serve the request: the CPU path failed too (or every breaker is open). */
public class NoDeviceAvailableException extends RuntimeException {

    public NoDeviceAvailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
