package dev.kindling.core.serving.guard;

/**
 * What a rollback did.
 *
 * @param restoredVersion the kept version whose parameters were restored
 * @param servedVersion   the version number they are served as (versions never go back)
 * @param choice          replay or discard of what the log held after the restored version
 * @param records         log records replayed or discarded
 * @param digest          the parameter digest of the restored parameters, equal to the kept version's
 */
public record RollbackResult(long restoredVersion, long servedVersion, LogAfterRollback choice, long records, String digest) {
}
