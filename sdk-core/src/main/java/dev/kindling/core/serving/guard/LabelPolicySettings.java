package dev.kindling.core.serving.guard;

import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What labels feedback and jobs may teach one model. Labels the model already has always pass the allow-list and the
 * pattern (they came with its training); new ones must be listed or match, and count against the caps.
 * {@link #UNLIMITED} lifts a cap; 0 forbids (no new labels at all, say).
 *
 * @param allowed                   new labels that may be taught (empty: any that passes the pattern)
 * @param pattern                   a regular expression a new label must match in full (null: any)
 * @param maxNewLabelsPerHour       new labels taken in any sliding hour
 * @param maxNewLabelsTotal         labels the model may hold beyond those it had when guardrails first saw it
 * @param maxExamplesPerLabelPerMinute feedback examples per label per clock minute (jobs are not counted: they are bulk
 *                                  uploads paced by the job runner)
 */
public record LabelPolicySettings(Set<String> allowed, String pattern, int maxNewLabelsPerHour, int maxNewLabelsTotal,
                                  int maxExamplesPerLabelPerMinute) {

    /** No cap. */
    public static final int UNLIMITED = -1;

    public LabelPolicySettings {
        allowed = Set.copyOf(allowed == null ? Set.of() : allowed);
        if (pattern != null && pattern.isBlank()) {
            pattern = null;
        }
        if (pattern != null) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("label pattern '" + pattern + "' is not a regular expression: " + e.getDescription());
            }
        }
        requireCap("max-new-labels-per-hour", maxNewLabelsPerHour);
        requireCap("max-new-labels-total", maxNewLabelsTotal);
        requireCap("max-examples-per-label-per-minute", maxExamplesPerLabelPerMinute);
    }

    private static void requireCap(String name, int value) {
        if (value < UNLIMITED) {
            throw new IllegalArgumentException("label policy " + name + " must be 0 or more, or " + UNLIMITED + " for no cap; got " + value);
        }
    }

    /**
     * The defaults: any label, at most 100 new labels an hour and 10,000 in all, 600 feedback examples per label a minute
     * (ten a second). A brand-new label per request (the flood that wrecked a model) stops after 100.
     */
    public static LabelPolicySettings defaults() {
        return new LabelPolicySettings(Set.of(), null, 100, 10_000, 600);
    }

    /** No rule at all (what Kindling did before label policies). */
    public static LabelPolicySettings unrestricted() {
        return new LabelPolicySettings(Set.of(), null, UNLIMITED, UNLIMITED, UNLIMITED);
    }

    public LabelPolicySettings withAllowed(Set<String> v) {
        return new LabelPolicySettings(v, pattern, maxNewLabelsPerHour, maxNewLabelsTotal, maxExamplesPerLabelPerMinute);
    }

    public LabelPolicySettings withPattern(String v) {
        return new LabelPolicySettings(allowed, v, maxNewLabelsPerHour, maxNewLabelsTotal, maxExamplesPerLabelPerMinute);
    }

    public LabelPolicySettings withMaxNewLabelsPerHour(int v) {
        return new LabelPolicySettings(allowed, pattern, v, maxNewLabelsTotal, maxExamplesPerLabelPerMinute);
    }

    public LabelPolicySettings withMaxNewLabelsTotal(int v) {
        return new LabelPolicySettings(allowed, pattern, maxNewLabelsPerHour, v, maxExamplesPerLabelPerMinute);
    }

    public LabelPolicySettings withMaxExamplesPerLabelPerMinute(int v) {
        return new LabelPolicySettings(allowed, pattern, maxNewLabelsPerHour, maxNewLabelsTotal, v);
    }
}
