package dev.kindling.core.serving.model;

import java.util.Map;

/**
 * The counters that go with one set of a model's parameters: its version, the last log sequence it holds, how many
 * examples it was taught, and per unfinished job the highest index of that job's examples it holds. A checkpoint,
 * a kept version and the serving copy each carry one, so that restoring parameters restores the counters that
 * describe them.
 */
public record ModelState(long version, long appliedSequence, long examplesApplied, Map<String, Long> jobProgress) {

    public ModelState {
        jobProgress = Map.copyOf(jobProgress);
    }
}
