package dev.kindling.sample.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.servlet.HandlerInterceptor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Requires the API key (header {@code X-API-Key}) on feedback, fine-tuning, rollback and audit endpoints, and leaves the
 * key's id ({@link #KEY_ID}) on the request for the audit trail. CORS preflights
 * carry no key by design and change nothing; they are left to Spring's CORS handling.
 */
final class ApiKeyInterceptor implements HandlerInterceptor {

    static final String HEADER = "X-API-Key";

    /** The request attribute holding the checked key's id ({@link #keyId}) for the audit trail. */
    static final String KEY_ID = ApiKeyInterceptor.class.getName() + ".keyId";

    private final byte[] key;
    private final String keyId;

    ApiKeyInterceptor(String key) {
        this.key = key.getBytes(StandardCharsets.UTF_8);
        this.keyId = keyId(this.key);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (CorsUtils.isPreFlightRequest(request)) {
            // A browser never sends credentials with a preflight; Spring's CORS handling answers it, allowing nothing unless configured.
            return true;
        }
        String given = request.getHeader(HEADER);
        // Constant-time comparison: response timing must not reveal how much of a guess was right.
        if (given == null || !MessageDigest.isEqual(key, given.getBytes(StandardCharsets.UTF_8))) {
            throw new MissingApiKeyException(given == null
                    ? "this endpoint needs an API key in the " + HEADER + " header"
                    : "the API key in the " + HEADER + " header is not valid");
        }
        request.setAttribute(KEY_ID, keyId);
        return true;
    }

    /** The identifier of a key for audit trails: a prefix of its SHA-256, never the key itself. */
    static String keyId(byte[] key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key);
            return "key-" + HexFormat.of().formatHex(hash, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java platform must provide", e);
        }
    }
}
