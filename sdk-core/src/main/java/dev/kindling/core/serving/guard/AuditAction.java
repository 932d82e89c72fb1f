package dev.kindling.core.serving.guard;

import java.util.Locale;

/** What an audit record is about. */
public enum AuditAction {
    FEEDBACK, JOB, ROLLBACK;

    /** The name in the audit file and queries: lower case. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AuditAction of(String id) {
        for (AuditAction a : values()) {
            if (a.id().equalsIgnoreCase(id)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown audit action '" + id + "'; expected feedback, job or rollback");
    }
}
