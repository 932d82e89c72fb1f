package dev.kindling.core.text;

/**
 * Where a classifier reads the input rows whose mean is a text's vector: its own table
 * ({@link TextClassifier#inputRows()}), or a cache in front of it (a serving layer's, for tables that live
 * off-heap, mapped from disk or on a device).
 */
@FunctionalInterface
public interface InputRows {

    /** out[0..dim) = mean of the given rows (zeros when there are none). */
    void mean(int[] rows, float[] out);
}
