package dev.kindling.core.text;

/**
 * A snapshot of a running training, as fastText's progress line shows it.
 *
 * @param progress             fraction of the planned tokens processed, 0 … 1
 * @param wordsPerSecPerThread throughput so far
 * @param lr                   current learning rate
 * @param averageLoss          mean loss of the examples seen so far
 * @param etaSeconds           estimated seconds left
 */
public record TrainingProgress(double progress, double wordsPerSecPerThread, double lr, double averageLoss, long etaSeconds) {

    /** fastText's line: {@code Progress: 42.0% words/sec/thread:  612345 lr:  0.058000 avg.loss:  3.123456 ETA:   0h 0m12s}. */
    public String line() {
        long h = etaSeconds / 3600, m = etaSeconds / 60 % 60, s = etaSeconds % 60;
        return String.format(java.util.Locale.ROOT, "Progress: %5.1f%% words/sec/thread: %7d lr: %9.6f avg.loss: %9.6f ETA: %3dh%2dm%2ds",
                100 * progress, (long) wordsPerSecPerThread, lr, averageLoss, h, m, s);
    }
}
