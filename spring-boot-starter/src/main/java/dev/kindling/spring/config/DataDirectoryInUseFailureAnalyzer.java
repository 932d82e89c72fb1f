package dev.kindling.spring.config;

import dev.kindling.core.io.DataDirectoryInUseException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A second process (or application context) on the same data directory. */
public class DataDirectoryInUseFailureAnalyzer extends AbstractFailureAnalyzer<DataDirectoryInUseException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DataDirectoryInUseException cause) {
        return new FailureAnalysis(cause.getMessage(), "Stop the other process, or give this one its own directory with"
                + " kindling.fine-tuning.directory (each process needs its own: it holds the write-ahead logs and checkpoints).", cause);
    }
}
