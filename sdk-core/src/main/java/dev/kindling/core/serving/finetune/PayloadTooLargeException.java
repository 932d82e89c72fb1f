package dev.kindling.core.serving.finetune;

/** Request content beyond a configured size limit (HTTP 413). */
public class PayloadTooLargeException extends IllegalArgumentException {

    public PayloadTooLargeException(String message) {
        super(message);
    }
}
