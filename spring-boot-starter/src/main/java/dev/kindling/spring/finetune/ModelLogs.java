package dev.kindling.spring.finetune;

import dev.kindling.core.io.ApprovedTruncation;
import dev.kindling.core.io.WriteAheadLog;
import dev.kindling.core.io.WriteAheadLogCorruptException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens a model's write-ahead log with the truncation the operator approved for it, if any, and turns
 * a corrupt log into a start-up error that names the property that approves cutting it.
 */
final class ModelLogs {

    private ModelLogs() {
    }

    static WriteAheadLog open(String model, Path dir, FineTuningProperties properties) throws IOException {
        ApprovedTruncation approved = properties.approvedWalTruncation(model);
        try {
            return WriteAheadLog.open(dir, properties.getWalSegmentBytes(), approved);
        } catch (WriteAheadLogCorruptException e) {
            throw new IllegalStateException("model '" + model + "' cannot start fine-tuning: " + e.getMessage()
                    + " To approve that cut, start once with " + FineTuningProperties.APPROVE_WAL_TRUNCATION + "." + model + "="
                    + e.segment().getFileName() + ":" + e.offset() + " and remove it afterwards.", e);
        }
    }
}
