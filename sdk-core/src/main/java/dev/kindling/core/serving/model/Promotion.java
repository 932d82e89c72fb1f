package dev.kindling.core.serving.model;

/**
 * What {@link ServedModel#promote} did.
 *
 * @param outcome          promoted, held back by the check, or nothing to promote (the served copy is the learned one)
 * @param servedVersion    the version served afterwards
 * @param candidateVersion the learned copy's version that was judged
 * @param fullCopy         whether the served copy was replaced by a full copy (else the rounds' deltas were applied)
 * @param rounds           how many rounds' deltas were applied
 */
public record Promotion(Outcome outcome, long servedVersion, long candidateVersion, boolean fullCopy, int rounds) {

    public enum Outcome {
        PROMOTED, HELD, NOTHING_PENDING
    }
}
