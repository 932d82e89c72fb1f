package dev.kindling.core.serving.guard;

/**
 * A rollback that cannot be done as asked, with nothing changed: e.g. a replay of records the log no longer holds, or a
 * kept version whose file is damaged. The message says why and what would work.
 */
public final class RollbackRefusedException extends RuntimeException {

    public RollbackRefusedException(String message) {
        super(message);
    }

    public RollbackRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
