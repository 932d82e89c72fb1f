package dev.kindling.core.serving.guard;

import java.util.List;

/**
 * What a {@link LabelPolicy} counted for one accepted request: the new labels it admitted and the labels whose per-minute
 * counts it raised. {@link #release()} takes them back when the request is not logged after all (a full queue, a disk
 * error), so that a refusal elsewhere does not use up the caps.
 */
public final class LabelAdmission {

    static final LabelAdmission NONE = new LabelAdmission(null, List.of(), List.of(), 0, -1);

    private final LabelPolicy policy;
    final List<String> newLabels;
    final List<String> counted;
    final long admittedAtMillis;
    final long minute;
    private boolean released;

    LabelAdmission(LabelPolicy policy, List<String> newLabels, List<String> counted, long admittedAtMillis, long minute) {
        this.policy = policy;
        this.newLabels = List.copyOf(newLabels);
        this.counted = List.copyOf(counted);
        this.admittedAtMillis = admittedAtMillis;
        this.minute = minute;
    }

    /** The labels this request brought that the model did not have. */
    public List<String> newLabels() {
        return newLabels;
    }

    /** Undoes the counting; once, and only for a request that was not logged. */
    public void release() {
        if (policy == null || released) {
            return;
        }
        released = true;
        policy.release(this);
    }
}
