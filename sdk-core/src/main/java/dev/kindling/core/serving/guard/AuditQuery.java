package dev.kindling.core.serving.guard;

import java.time.Instant;

/**
 * Which audit records to return, newest first; every criterion may be null (any).
 *
 * @param since  records at or after this time
 * @param until  records before this time
 * @param action only this action
 * @param keyId  only this caller
 * @param limit  at most this many (1..10,000)
 */
public record AuditQuery(Instant since, Instant until, AuditAction action, String keyId, int limit) {

    public static final int MAX_LIMIT = 10_000;

    public AuditQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("an audit query's limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
    }

    public static AuditQuery latest(int limit) {
        return new AuditQuery(null, null, null, null, limit);
    }

    boolean matches(AuditRecord r) {
        return (since == null || !r.time().isBefore(since)) && (until == null || r.time().isBefore(until))
                && (action == null || r.action() == action) && (keyId == null || keyId.equals(r.keyId()));
    }
}
