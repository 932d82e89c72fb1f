package dev.kindling.core.fasttext;

import java.util.Random;
import java.util.stream.IntStream;

/**
 * Trains a {@link ProductQuantizer} by k-means in each sub-space (256 centroids, 25 rounds, on at most
 * 65,536 sampled rows, centroids started at distinct sampled rows; an empty cluster takes half of a
 * populous one, moved apart by a small offset), as fastText's {@code quantize} does, and encodes rows with
 * it. Sub-spaces are trained in parallel.
 */
final class ProductQuantizerTraining {

    static final int ROUNDS = 25;
    static final int MAX_POINTS = 256 * ProductQuantizer.CENTROIDS;
    private static final float EPSILON = 1f / 1024;

    private ProductQuantizerTraining() {
    }

    /** A quantizer for rows x[r·dim …] of {@code rows} vectors; needs at least 256 rows (one per centroid). */
    static ProductQuantizer train(float[] x, int rows, int dim, int dsub, long seed) {
        if (rows < ProductQuantizer.CENTROIDS) {
            throw new IllegalArgumentException("product quantization needs at least " + ProductQuantizer.CENTROIDS + " rows, got " + rows
                    + "; use a larger -cutoff or skip quantization");
        }
        ProductQuantizer pq = ProductQuantizer.empty(dim, dsub);
        int points = Math.min(rows, MAX_POINTS);
        IntStream.range(0, pq.nsubq()).parallel().forEach(m -> {
            Random rng = new Random(seed * 31 + m);
            int[] sample = sample(rows, points, rng);
            int w = pq.width(m);
            float[] slice = new float[points * w];
            for (int j = 0; j < points; j++) {
                System.arraycopy(x, sample[j] * dim + m * dsub, slice, j * w, w);
            }
            float[] c = kmeans(slice, points, w, rng);
            System.arraycopy(c, 0, pq.centroids(), pq.centroid(m, 0), c.length);
        });
        return pq;
    }

    private static int[] sample(int rows, int points, Random rng) {
        int[] perm = new int[rows];
        for (int i = 0; i < rows; i++) {
            perm[i] = i;
        }
        for (int i = rows - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return java.util.Arrays.copyOf(perm, points);
    }

    private static float[] kmeans(float[] x, int n, int d, Random rng) {
        int k = ProductQuantizer.CENTROIDS;
        float[] c = new float[k * d];
        // The sample is already shuffled: its first k points are distinct random starting centroids.
        System.arraycopy(x, 0, c, 0, k * d);
        int[] assign = new int[n];
        int[] size = new int[k];
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < n; i++) {
                assign[i] = nearest(x, i * d, c, d);
            }
            java.util.Arrays.fill(c, 0f);
            java.util.Arrays.fill(size, 0);
            for (int i = 0; i < n; i++) {
                int a = assign[i];
                size[a]++;
                for (int j = 0; j < d; j++) {
                    c[a * d + j] += x[i * d + j];
                }
            }
            for (int a = 0; a < k; a++) {
                if (size[a] > 0) {
                    for (int j = 0; j < d; j++) {
                        c[a * d + j] /= size[a];
                    }
                }
            }
            for (int a = 0; a < k; a++) {
                if (size[a] == 0) {
                    splitInto(a, c, size, d, n, rng);
                }
            }
        }
        return c;
    }

    /** An empty cluster takes a copy of a cluster picked in proportion to its size; the two move apart by ±epsilon. */
    private static void splitInto(int empty, float[] c, int[] size, int d, int n, Random rng) {
        int m = 0;
        while (rng.nextDouble() * (n - ProductQuantizer.CENTROIDS) >= size[m] - 1) {
            m = (m + 1) % size.length;
        }
        for (int j = 0; j < d; j++) {
            float sign = (j % 2) * 2 - 1;
            c[empty * d + j] = c[m * d + j] + sign * EPSILON;
            c[m * d + j] -= sign * EPSILON;
        }
        size[empty] = size[m] / 2;
        size[m] -= size[empty];
    }

    /** The centroid of c (k × d) nearest to x[off …] in squared distance, the first on ties. */
    static int nearest(float[] x, int off, float[] c, int d) {
        int best = 0;
        float bestDistance = Float.MAX_VALUE;
        for (int a = 0; a < ProductQuantizer.CENTROIDS; a++) {
            float dist = 0;
            for (int j = 0; j < d; j++) {
                float t = x[off + j] - c[a * d + j];
                dist += t * t;
            }
            if (dist < bestDistance) {
                bestDistance = dist;
                best = a;
            }
        }
        return best;
    }

    /** The codes of every row: nsubq bytes per row. */
    static byte[] encode(ProductQuantizer pq, float[] x, int rows) {
        byte[] codes = new byte[rows * pq.nsubq()];
        IntStream.range(0, rows).parallel().forEach(r -> {
            float[] sub = new float[pq.dsub()];
            for (int m = 0; m < pq.nsubq(); m++) {
                int w = pq.width(m);
                System.arraycopy(x, r * pq.dim() + m * pq.dsub(), sub, 0, w);
                float[] c = java.util.Arrays.copyOfRange(pq.centroids(), pq.centroid(m, 0), pq.centroid(m, 0) + ProductQuantizer.CENTROIDS * w);
                codes[r * pq.nsubq() + m] = (byte) nearest(sub, 0, c, w);
            }
        });
        return codes;
    }
}
