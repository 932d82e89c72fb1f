package dev.kindling.core.serving.guard;

/**
 * Who asked for a change to a model and from where, for its audit trail.
 *
 * @param keyId         an identifier of the caller's credential (never the secret itself), e.g. a hash prefix of an API key
 * @param remoteAddress the address the request came from (null when it did not come over a network)
 */
public record RequestOrigin(String keyId, String remoteAddress) {

    /** A call from inside the process (no credential, no network). */
    public static final RequestOrigin LOCAL = new RequestOrigin("local", null);

    public RequestOrigin {
        if (keyId == null || keyId.isBlank()) {
            keyId = "anonymous";
        }
    }
}
