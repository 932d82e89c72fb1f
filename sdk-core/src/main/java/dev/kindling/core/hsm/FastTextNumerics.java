package dev.kindling.core.hsm;

/**
 * fastText 0.9.2's single-precision scoring primitives, reproduced operation by operation so that models
 * read from fastText report the same numbers: its smoothed log, log(x + 1e-5), and its tabulated sigmoid
 * (512 steps over [−8, 8], 0 below, 1 above), which its one-vs-all and negative-sampling losses use for
 * predictions.
 */
public final class FastTextNumerics {

    private static final int SIGMOID_TABLE_SIZE = 512;
    private static final int MAX_SIGMOID = 8;
    private static final float[] SIGMOID_TABLE = new float[SIGMOID_TABLE_SIZE + 1];

    static {
        for (int i = 0; i <= SIGMOID_TABLE_SIZE; i++) {
            // Entry i sits at x = 16 i / 512 − 8, computed in float; exp in float, the quotient in double.
            float x = (float) (i * 2 * MAX_SIGMOID) / SIGMOID_TABLE_SIZE - MAX_SIGMOID;
            float e = (float) Math.exp(-x);
            SIGMOID_TABLE[i] = (float) (1.0 / (1.0 + e));
        }
    }

    private FastTextNumerics() {
    }

    /** log(x + 1e-5): the sum in double, the result rounded to float. */
    public static float smoothedLog(float x) {
        return (float) Math.log(x + 1e-5);
    }

    /** fastText's table sigmoid of a single-precision score. */
    public static float tableSigmoid(float x) {
        if (x < -MAX_SIGMOID) {
            return 0f;
        }
        if (x > MAX_SIGMOID) {
            return 1f;
        }
        int i = (int) ((x + MAX_SIGMOID) * SIGMOID_TABLE_SIZE / MAX_SIGMOID / 2);
        return SIGMOID_TABLE[i];
    }

    /** The sigmoid a fastText tree search uses at a node: 1 / (1 + exp(−s)) with exp and the sum in float, the quotient in double. */
    public static float nodeSigmoid(float score) {
        float e = (float) Math.exp(-score);
        return (float) (1.0 / (1f + e));
    }

    /**
     * fastText's softmax of single-precision scores, in place: subtract the maximum, exponentiate in double and
     * round to float, sum in float, divide in float.
     */
    public static void softmaxInPlace(float[] s, int n) {
        float max = s[0];
        for (int k = 0; k < n; k++) {
            max = Math.max(s[k], max);
        }
        float z = 0f;
        for (int k = 0; k < n; k++) {
            s[k] = (float) Math.exp(s[k] - max);
            z += s[k];
        }
        for (int k = 0; k < n; k++) {
            s[k] /= z;
        }
    }

    /**
     * fastText's selection of the k best of probabilities p[0, n) that reach {@code threshold} (its findKBest):
     * smoothed log scores kept in {@link FastTextPredictionHeap}, best first.
     */
    static TopK best(float[] p, int n, int k, float threshold) {
        FastTextPredictionHeap heap = new FastTextPredictionHeap(k);
        for (int c = 0; c < n; c++) {
            if (p[c] < threshold) {
                continue;
            }
            float score = smoothedLog(p[c]);
            if (heap.full() && score < heap.front()) {
                continue;
            }
            heap.push(score, c);
        }
        return heap.sorted();
    }
}
