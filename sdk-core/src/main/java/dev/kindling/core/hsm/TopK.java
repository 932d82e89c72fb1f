package dev.kindling.core.hsm;

import java.util.Arrays;

/**
 * The k most probable classes for one input, most probable first (ties: smaller class id first), with
 * their log-probabilities.
 */
public record TopK(int[] classes, float[] logProbs) {

    public int size() {
        return classes.length;
    }

    @Override
    public String toString() {
        return "TopK" + Arrays.toString(classes) + " " + Arrays.toString(logProbs);
    }
}
