package dev.kindling.core.text;

import dev.kindling.core.hsm.CodeTree;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Builds the code tree of a binary hierarchical softmax from the training data, so that labels whose texts
 * share words become siblings (a node then learns a meaningful question, where Huffman's tree pairs labels
 * by frequency alone). Each label gets a sketch of its texts: the mean, over its examples, of a fixed
 * random ±1 vector per input row (a random projection of its bag of words). The label set is then split
 * recursively in two along the principal direction of the sketches, at the point that halves the labels'
 * total frequency, so frequent labels still end up near the root, as in a Huffman tree.
 */
final class LabelTreeBuilder {

    private static final int SKETCH = 64;
    private static final int POWER_ITERATIONS = 6;
    private static final int SAMPLE = 2048;

    private LabelTreeBuilder() {
    }

    /**
     * The tree for {@code counts.length} labels; {@code rows[e]} are example e's input rows and {@code labels[e]} its
     * label ids. Labels without examples get an empty sketch and are placed by frequency alone.
     */
    static CodeTree build(int[][] rows, int[][] labels, long[] counts, long seed) {
        int n = counts.length;
        if (n <= 2) {
            return CodeTree.huffman(counts);
        }
        float[][] sketch = sketches(rows, labels, n, seed);
        long[] w = new long[n];
        for (int k = 0; k < n; k++) {
            w[k] = Math.max(1, counts[k]);
        }
        int[] left = new int[n - 1], right = new int[n - 1];
        int[] nextNode = {0};
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        // Work list of (label subset, slot to fill with the subtree's encoded id).
        record Task(int[] set, int parent, boolean isRight) {
        }
        ArrayDeque<Task> work = new ArrayDeque<>();
        work.push(new Task(all, -1, false));
        while (!work.isEmpty()) {
            Task t = work.pop();
            int id;
            if (t.set().length == 1) {
                id = -1 - t.set()[0];
            } else {
                id = nextNode[0]++;
                int[][] halves = split(t.set(), sketch, w, rng);
                work.push(new Task(halves[0], id, false));
                work.push(new Task(halves[1], id, true));
            }
            if (t.parent() >= 0) {
                if (t.isRight()) {
                    right[t.parent()] = id;
                } else {
                    left[t.parent()] = id;
                }
            }
        }
        return CodeTree.of(left, right, w);
    }

    /** Per label, the mean over its examples of the mean random ±1 code of the example's input rows. */
    private static float[][] sketches(int[][] rows, int[][] labels, int n, long seed) {
        float[][] s = new float[n][SKETCH];
        float[] ex = new float[SKETCH];
        for (int e = 0; e < rows.length; e++) {
            Arrays.fill(ex, 0f);
            for (int r : rows[e]) {
                for (int word = 0; word < SKETCH / 64; word++) {
                    long bits = mix(seed * 0x9E3779B97F4A7C15L + r * 4L + word);
                    for (int j = 0; j < 64; j++) {
                        ex[word * 64 + j] += (int) ((bits >>> j) & 1) * 2 - 1;
                    }
                }
            }
            float inv = 1f / Math.max(1, rows[e].length);
            for (int label : labels[e]) {
                for (int j = 0; j < SKETCH; j++) {
                    s[label][j] += ex[j] * inv;
                }
            }
        }
        for (float[] v : s) {
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            float inv = norm == 0 ? 0f : (float) (1 / Math.sqrt(norm));
            for (int j = 0; j < SKETCH; j++) {
                v[j] *= inv;
            }
        }
        return s;
    }

    /** A 64-bit finalizer (murmur3's): the row's random ±1 code, the same every time it is asked for. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** Splits a set of ≥ 2 labels along its principal direction at half its total weight; both halves non-empty. */
    private static int[][] split(int[] set, float[][] sketch, long[] w, SplittableRandom rng) {
        int m = set.length;
        if (m == 2) {
            return new int[][]{{set[0]}, {set[1]}};
        }
        double total = 0;
        double[] mean = new double[SKETCH];
        for (int k : set) {
            total += w[k];
            for (int j = 0; j < SKETCH; j++) {
                mean[j] += w[k] * sketch[k][j];
            }
        }
        for (int j = 0; j < SKETCH; j++) {
            mean[j] /= total;
        }
        // Power iteration on the unweighted covariance (weights would let one frequent label dictate the axis),
        // on an evenly spaced sample of at most SAMPLE labels: the axis needs no more.
        int step = Math.max(1, m / SAMPLE);
        double[] u = new double[SKETCH];
        for (int j = 0; j < SKETCH; j++) {
            u[j] = rng.nextDouble() - 0.5;
        }
        double[] next = new double[SKETCH];
        for (int it = 0; it < POWER_ITERATIONS; it++) {
            Arrays.fill(next, 0);
            for (int i = 0; i < m; i += step) {
                float[] v = sketch[set[i]];
                double p = 0;
                for (int j = 0; j < SKETCH; j++) {
                    p += (v[j] - mean[j]) * u[j];
                }
                for (int j = 0; j < SKETCH; j++) {
                    next[j] += p * (v[j] - mean[j]);
                }
            }
            double norm = 0;
            for (double x : next) {
                norm += x * x;
            }
            if (norm == 0) {
                break;
            }
            for (int j = 0; j < SKETCH; j++) {
                u[j] = next[j] / Math.sqrt(norm);
            }
        }
        // Sort by projection: float bits made order-preserving in the high half, position in the low half.
        long[] keyed = new long[m];
        for (int i = 0; i < m; i++) {
            float[] v = sketch[set[i]];
            double p = 0;
            for (int j = 0; j < SKETCH; j++) {
                p += (v[j] - mean[j]) * u[j];
            }
            int bits = Float.floatToIntBits((float) p);
            int ordered = bits < 0 ? ~bits : bits | 0x80000000;
            keyed[i] = ((long) (ordered ^ 0x80000000) << 32) | i;
        }
        Arrays.sort(keyed);
        int[] order = new int[m];
        for (int i = 0; i < m; i++) {
            order[i] = (int) keyed[i];
        }
        int cut = 1;
        double acc = w[set[order[0]]];
        while (cut < m - 1 && acc + w[set[order[cut]]] / 2.0 <= total / 2) {
            acc += w[set[order[cut]]];
            cut++;
        }
        int[] lo = new int[cut], hi = new int[m - cut];
        for (int i = 0; i < m; i++) {
            if (i < cut) {
                lo[i] = set[order[i]];
            } else {
                hi[i - cut] = set[order[i]];
            }
        }
        return new int[][]{lo, hi};
    }
}
