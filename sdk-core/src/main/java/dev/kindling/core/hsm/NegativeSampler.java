package dev.kindling.core.hsm;

import java.util.SplittableRandom;

/**
 * Draws negative classes for negative sampling with probability proportional to √count, as fastText's
 * {@code -loss ns} draws labels, never the target itself. fastText fills a table of ten million entries; a
 * cumulative array with binary search draws from the same distribution with memory O(classes).
 */
final class NegativeSampler {

    private final long[] counts;
    private final double[] cumulative;

    /** Classes weighted by √max(1, count). */
    NegativeSampler(long[] counts) {
        this.counts = counts.clone();
        cumulative = new double[counts.length];
        double sum = 0;
        for (int k = 0; k < counts.length; k++) {
            sum += Math.sqrt(Math.max(1, counts[k]));
            cumulative[k] = sum;
        }
    }

    int classes() {
        return cumulative.length;
    }

    /** This sampler with {@code added} more classes, each weighted as a class seen once. */
    NegativeSampler withAddedClasses(int added) {
        long[] c = java.util.Arrays.copyOf(counts, counts.length + added);
        java.util.Arrays.fill(c, counts.length, c.length, 1L);
        return new NegativeSampler(c);
    }

    /** A class other than {@code target} (any class when there is only one). */
    int draw(int target, SplittableRandom rng) {
        int n = cumulative.length;
        if (n == 1) {
            return 0;
        }
        while (true) {
            double u = rng.nextDouble() * cumulative[n - 1];
            int lo = 0, hi = n - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] > u) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            if (lo != target) {
                return lo;
            }
        }
    }
}
