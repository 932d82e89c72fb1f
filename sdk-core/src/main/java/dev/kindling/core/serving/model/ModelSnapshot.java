package dev.kindling.core.serving.model;

import java.util.Map;

/**
 * What a model file written by {@link ServedModel#writeSnapshot} holds besides the parameters: the counters and job
 * progress of the same instant, and the parameters' digest, so a copy restored from it is checked whole.
 */
public record ModelSnapshot(long appliedSequence, long examplesApplied, long version, Map<String, Long> jobProgress, String digest) {

    public ModelSnapshot {
        jobProgress = Map.copyOf(jobProgress);
    }
}
