package dev.kindling.core.fasttext;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compares Kindling's predictions of a test file with fastText's, line by line: the same labels in the same
 * order (ties included) and probabilities within {@link #TOLERANCE} of what fastText printed.
 */
final class PredictionComparison {

    static final double TOLERANCE = 1e-5;

    private int lines;
    private int predictions;

    void compare(int lineNumber, List<FastTextFixtures.Scored> expected, List<FastTextFixtures.Scored> actual) {
        lines++;
        assertEquals(expected.size(), actual.size(), () -> "line " + lineNumber + ": fastText " + expected + " vs Kindling " + actual);
        for (int i = 0; i < expected.size(); i++) {
            predictions++;
            FastTextFixtures.Scored e = expected.get(i), a = actual.get(i);
            int at = i;
            assertEquals(e.label(), a.label(), () -> "line " + lineNumber + " position " + at + ": fastText " + expected + " vs Kindling "
                    + actual);
            assertTrue(Math.abs(e.probability() - a.probability()) <= TOLERANCE,
                    () -> "line " + lineNumber + " position " + at + ": fastText " + expected + " vs Kindling " + actual);
        }
    }

    int lines() {
        return lines;
    }

    int predictions() {
        return predictions;
    }
}
