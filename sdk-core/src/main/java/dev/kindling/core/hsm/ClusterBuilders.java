package dev.kindling.core.hsm;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Ways to group classes into clusters for a {@link HierarchicalSoftmax}. A training example costs about
 * C + (size of its target's cluster) row operations, so balanced clusters of √N minimise the worst case,
 * and frequency-aware clusters (frequent classes in small clusters, as in adaptive softmax) minimise the
 * expected cost under the label distribution. A user-given grouping is {@link ClusterMapping#of}.
 */
public final class ClusterBuilders {

    private ClusterBuilders() {
    }

    /** ⌈√N⌉ clusters of consecutive class ids, sizes differing by at most one cluster's remainder. */
    public static ClusterMapping balanced(int classes) {
        requirePositive(classes);
        return balanced(classes, (int) Math.ceil(Math.sqrt(classes)));
    }

    /** About {@code clusters} clusters of consecutive class ids and equal size ⌈N / clusters⌉. */
    public static ClusterMapping balanced(int classes, int clusters) {
        requirePositive(classes);
        if (clusters <= 0 || clusters > classes) {
            throw new IllegalArgumentException("balanced clustering needs 1 <= clusters <= classes (" + classes + "), got " + clusters);
        }
        int size = (classes + clusters - 1) / clusters;
        int[] clusterOf = new int[classes];
        int[] index = new int[classes];
        for (int k = 0; k < classes; k++) {
            clusterOf[k] = k / size;
            index[k] = k % size;
        }
        return ClusterMapping.of(clusterOf, index);
    }

    /**
     * Frequency-aware clusters: classes sorted by descending count (count + 1, so unseen classes are not
     * free) are cut into consecutive groups whose probability mass × size stays under a threshold, and
     * the threshold is chosen to minimise the expected per-example cost C + Σ_c mass_c · size_c. Frequent
     * classes end up in small clusters, rare ones in large ones.
     */
    public static ClusterMapping byFrequency(long[] counts) {
        int n = counts.length;
        requirePositive(n);
        for (int k = 0; k < n; k++) {
            if (counts[k] < 0) {
                throw new IllegalArgumentException("label counts must be >= 0; class " + k + " has " + counts[k]);
            }
        }
        Integer[] boxed = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(boxed, Comparator.comparingLong((Integer k) -> -counts[k]).thenComparingInt(k -> k));
        int[] order = Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
        double total = 0;
        for (long c : counts) {
            total += c + 1.0;
        }
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = (counts[order[i]] + 1.0) / total;
        }
        double lo = p[n - 1], hi = n;
        double bestT = hi, bestCost = Double.MAX_VALUE;
        int steps = 96;
        for (int s = 0; s <= steps; s++) {
            double t = lo * Math.pow(hi / lo, s / (double) steps);
            double cost = cut(p, t, null);
            if (cost < bestCost) {
                bestCost = cost;
                bestT = t;
            }
        }
        int[] clusterOfSorted = new int[n];
        cut(p, bestT, clusterOfSorted);
        int[] clusterOf = new int[n];
        for (int i = 0; i < n; i++) {
            clusterOf[order[i]] = clusterOfSorted[i];
        }
        // Indices follow descending frequency inside each cluster.
        int[] index = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            int k = order[i];
            index[k] = next[clusterOf[k]]++;
        }
        return ClusterMapping.of(clusterOf, index);
    }

    /** Greedy cut under threshold t; returns the expected cost and, when out is given, the clusters. */
    private static double cut(double[] p, double t, int[] out) {
        double cost = 0, mass = 0;
        int size = 0, cluster = 0;
        for (int i = 0; i < p.length; i++) {
            if (size > 0 && (mass + p[i]) * (size + 1) > t) {
                cost += 1 + mass * size;
                cluster++;
                mass = 0;
                size = 0;
            }
            mass += p[i];
            size++;
            if (out != null) {
                out[i] = cluster;
            }
        }
        return cost + 1 + mass * size;
    }

    private static void requirePositive(int classes) {
        if (classes <= 0) {
            throw new IllegalArgumentException("need at least one class, got " + classes);
        }
    }
}
