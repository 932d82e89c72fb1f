package dev.kindling.sample.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.servlet.HandlerInterceptor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Requires the API key (header {@code X-API-Key}) on feedback and fine-tuning endpoints. CORS preflights
 * carry no key by design and change nothing; they are left to Spring's CORS handling.
 */
final class ApiKeyInterceptor implements HandlerInterceptor {

    static final String HEADER = "X-API-Key";

    private final byte[] key;

    ApiKeyInterceptor(String key) {
        this.key = key.getBytes(StandardCharsets.UTF_8);
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
        return true;
    }
}
