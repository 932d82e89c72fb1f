package dev.kindling.core.hsm;

/**
 * How an output layer reports the scores of its top-k classes ({@link TopK#logProbs}).
 */
public enum ScoreConvention {

    /** The natural log of each class's probability under the model. */
    EXACT,

    /**
     * fastText 0.9.2's numbers, so a model read from fastText answers exactly as fastText did: the log of
     * (probability + 1e-5) in single precision, a tree softmax's path summed node by node with that smoothing
     * and searched as fastText searches it, and one-vs-all / negative-sampling probabilities from fastText's
     * 512-entry sigmoid table. exp(score) is then what {@code fasttext predict-prob} prints.
     */
    FASTTEXT;

    /** Whether a class with top-k score {@code logScore} clears a probability {@code threshold}, as fastText's predict decides. */
    public boolean passes(float logScore, float threshold) {
        if (threshold <= 0) {
            return true;
        }
        return this == EXACT ? Math.exp(logScore) >= threshold : logScore >= FastTextNumerics.smoothedLog(threshold);
    }
}
