package dev.kindling.core.serving.model;

import java.nio.file.Path;

/**
 * Where a served model came from at start (or at its last swap): the file it was loaded from and that file's
 * SHA-256, and the configured file with its SHA-256 now and the one its fine-tuned checkpoints grew from.
 * Hashes are lower-case hex; null where there is no file.
 *
 * @param source           what the model was loaded from
 * @param file             that file (null when an initializer created the model and saved it nowhere)
 * @param sha256           the SHA-256 of {@code file}
 * @param configuredFile   the model's configured file (null when none is configured)
 * @param configuredSha256 the SHA-256 of the configured file at start (null when it does not exist)
 * @param baseSha256       the configured file's SHA-256 that the fine-tuned checkpoints grew from (null: none
 *                         recorded, e.g. checkpoints written before provenance was recorded)
 * @param note             what start-up decided and why, for operators (never null)
 */
public record ModelProvenance(Source source, Path file, String sha256, Path configuredFile, String configuredSha256, String baseSha256,
                              String note) {

    /** What a model was loaded from. */
    public enum Source {
        /** The configured file (no fine-tuned checkpoint yet, fine-tuning off, or the file replaced the checkpoints). */
        CONFIGURED_FILE,
        /** The newest usable fine-tuning checkpoint in the data directory. */
        FINE_TUNED_CHECKPOINT,
        /** A {@link ModelInitializer} (the configured file did not exist). */
        INITIALIZER,
        /** A file swapped in while serving ({@link ModelRegistry#swap}). */
        SWAPPED_IN
    }

    /** Whether the configured file is not the one the served model grew from (served anyway: KEEP_FINE_TUNED). */
    public boolean configuredFileChanged() {
        return source == Source.FINE_TUNED_CHECKPOINT && baseSha256 != null && configuredSha256 != null && !baseSha256.equals(configuredSha256);
    }
}
