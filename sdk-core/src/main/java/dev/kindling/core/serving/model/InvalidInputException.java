package dev.kindling.core.serving.model;

/**
 * A request's own content is wrong (a blank or malformed text, a label the model could not learn, a k out of
 * range): the caller must change it, retrying cannot help (HTTP 400). A subclass of
 * {@link IllegalArgumentException} so that callers catching that keep working, but its own type, so that an
 * application can map the engine's input errors without also mapping every other IllegalArgumentException.
 */
public class InvalidInputException extends IllegalArgumentException {

    public InvalidInputException(String message) {
        super(message);
    }

    /** The same error as {@code cause} (whose message it keeps), as an input error. */
    public static InvalidInputException of(IllegalArgumentException cause) {
        if (cause instanceof InvalidInputException e) {
            return e;
        }
        InvalidInputException e = new InvalidInputException(cause.getMessage());
        e.initCause(cause);
        return e;
    }
}
