package dev.kindling.sample.api;

/** A protected endpoint was called without a valid API key (HTTP 401). */
class MissingApiKeyException extends RuntimeException {

    MissingApiKeyException(String message) {
        super(message);
    }
}
