package dev.kindling.core.serving.model;

/**
 * What a start does when a model's configured file is not the one its fine-tuned checkpoints grew from (its
 * SHA-256 differs from the one recorded with them): someone retrained or replaced the file since.
 */
public enum BaseModelPolicy {
    /**
     * Serve the new file and apply to it again what the write-ahead log still holds (feedback and jobs since
     * the oldest kept checkpoint); what only the superseded checkpoints held is dropped. The decision is written
     * at once as a new checkpoint, so a crash right after it does not repeat it.
     */
    REPLACE,
    /** Keep serving the fine-tuned checkpoint; the changed file is ignored, with a WARN at every start. */
    KEEP_FINE_TUNED,
    /** Refuse to start, naming the file, both hashes and the two other choices: an operator decides. The default. */
    FAIL
}
