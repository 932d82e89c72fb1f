package dev.kindling.sample.api;

import dev.kindling.core.serving.guard.RequestOrigin;
import jakarta.servlet.http.HttpServletRequest;

/** Who sent a request (the id of its API key, left by {@link ApiKeyInterceptor}) and from where, for the model's audit trail. */
final class CallerOrigin {

    private CallerOrigin() {
    }

    static RequestOrigin of(HttpServletRequest request) {
        Object keyId = request.getAttribute(ApiKeyInterceptor.KEY_ID);
        return new RequestOrigin(keyId == null ? null : keyId.toString(), request.getRemoteAddr());
    }
}
