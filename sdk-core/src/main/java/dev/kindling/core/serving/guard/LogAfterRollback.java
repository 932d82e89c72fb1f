package dev.kindling.core.serving.guard;

/** What a rollback does with what the log holds after the version rolled back to. */
public enum LogAfterRollback {
    /** Learn it again on top of the restored version (the gate judges the result before it is served). */
    REPLAY,
    /** Leave it out: the model goes on from the restored version; those records stay in the log until it is trimmed. */
    DISCARD
}
