package dev.kindling.spring.config;

import dev.kindling.core.serving.model.BaseModelChangedException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A retrained configured file under fine-tuned checkpoints, with base-model policy {@code fail}: the three ways on. */
public class BaseModelChangedFailureAnalyzer extends AbstractFailureAnalyzer<BaseModelChangedException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BaseModelChangedException cause) {
        String property = "kindling.models." + cause.model() + ".base-model-policy";
        String description = "The configured file of model '" + cause.model() + "' (" + cause.configuredFile() + ") is not the file its"
                + " fine-tuned checkpoints grew from:\n\n"
                + "    SHA-256 recorded with the checkpoints: " + cause.recordedSha256() + "\n"
                + "    SHA-256 of the file now:               " + cause.configuredSha256() + "\n\n"
                + "Serving either one would silently drop the other, and " + property + " is 'fail' (the default).";
        String action = "Decide which model to serve:\n"
                + "    " + property + "=replace          serve the new file and re-apply the write-ahead log to it\n"
                + "    " + property + "=keep-fine-tuned  keep serving the fine-tuned checkpoint\n"
                + "or put the original file back.";
        return new FailureAnalysis(description, action, cause);
    }
}
