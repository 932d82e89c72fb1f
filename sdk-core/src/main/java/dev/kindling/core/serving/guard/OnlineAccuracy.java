package dev.kindling.core.serving.guard;

/**
 * Precision at 1 and loss on live traffic, measured before the model learns each example (progressive validation): was
 * the served answer already right, and how surprised was the model. Exponentially weighted over about the last
 * {@code window} examples (a plain mean until then). Thread-safe.
 */
public final class OnlineAccuracy {

    private final double window;
    private long examples;
    private double precision = Double.NaN;
    private double loss = Double.NaN;
    private long lossExamples;

    public OnlineAccuracy(int window) {
        this.window = window;
    }

    /** {@code hits} of {@code n} examples were answered right by the served copy before training. */
    public synchronized void answered(int hits, int n) {
        for (int i = 0; i < n; i++) {
            double hit = i < hits ? 1 : 0;
            examples++;
            double w = Math.max(1.0 / window, 1.0 / examples);
            precision = Double.isNaN(precision) ? hit : precision + (hit - precision) * w;
        }
    }

    /** The mean loss of a round of {@code n} examples, taken before each step changed the model. */
    public synchronized void trained(double meanLoss, int n) {
        if (n <= 0 || Double.isNaN(meanLoss)) {
            return;
        }
        lossExamples += n;
        double w = Math.max(1 - Math.pow(1 - 1.0 / window, n), (double) n / lossExamples);
        loss = Double.isNaN(loss) ? meanLoss : loss + (meanLoss - loss) * w;
    }

    public synchronized double precisionAt1() {
        return precision;
    }

    public synchronized double loss() {
        return loss;
    }

    public synchronized long examples() {
        return examples;
    }
}
