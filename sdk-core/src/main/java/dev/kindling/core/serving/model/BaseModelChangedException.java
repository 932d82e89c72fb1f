package dev.kindling.core.serving.model;

import java.nio.file.Path;

/**
 * A model's configured file changed since its fine-tuned checkpoints were made and its {@link BaseModelPolicy}
 * is {@code FAIL}: starting would either ignore the new file or drop fine-tuning, and the settings do not say which.
 */
public class BaseModelChangedException extends IllegalStateException {

    private final String model;
    private final Path configuredFile;
    private final String recordedSha256;
    private final String configuredSha256;

    public BaseModelChangedException(String model, Path configuredFile, String recordedSha256, String configuredSha256, Path checkpoints) {
        super("model '" + model + "': its configured file " + configuredFile + " changed since its fine-tuned checkpoints in " + checkpoints
                + " were made (SHA-256 then " + recordedSha256 + ", now " + configuredSha256 + "), and its base-model policy is FAIL;"
                + " expected a decision: REPLACE (serve the new file and re-apply the write-ahead log) or KEEP_FINE_TUNED (keep serving"
                + " the fine-tuned checkpoint), or the original file back");
        this.model = model;
        this.configuredFile = configuredFile;
        this.recordedSha256 = recordedSha256;
        this.configuredSha256 = configuredSha256;
    }

    public String model() {
        return model;
    }

    public Path configuredFile() {
        return configuredFile;
    }

    public String recordedSha256() {
        return recordedSha256;
    }

    public String configuredSha256() {
        return configuredSha256;
    }
}
