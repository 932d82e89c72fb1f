package dev.kindling.core.serving.log;

import dev.kindling.core.io.ApprovedTruncation;

import java.io.IOException;
import java.nio.file.Path;

/** Opens the update log of each fine-tuned model: the local write-ahead log by default, a distributed log for fleets. */
@FunctionalInterface
public interface UpdateLogFactory {

    /** The embedded default: a write-ahead log in {@code <model directory>/wal}. */
    static UpdateLogFactory local(long segmentBytes, java.util.function.Function<String, ApprovedTruncation> approvals) {
        return (model, modelDirectory) -> LocalUpdateLog.open(model, modelDirectory.resolve("wal"), segmentBytes, approvals.apply(model));
    }

    UpdateLog open(String model, Path modelDirectory) throws IOException;
}
