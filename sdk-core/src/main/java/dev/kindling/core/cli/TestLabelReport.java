package dev.kindling.core.cli;

import dev.kindling.core.text.Dictionary;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Per-label precision, recall and F1 of a test run ({@code kindling test-label}), in fastText's layout:
 * one line per label the test data or the predictions mention, then the totals. fastText 0.9.2 prints
 * "--------" for every recall and twice the precision as F1 (a bug of that release); these are the real
 * values.
 */
final class TestLabelReport {

    private final long[] gold;
    private final long[] predicted;
    private final long[] correct;

    TestLabelReport(int labels) {
        gold = new long[labels];
        predicted = new long[labels];
        correct = new long[labels];
    }

    void add(int[] goldLabels, int[] predictedLabels) {
        for (int g : goldLabels) {
            gold[g]++;
        }
        for (int p : predictedLabels) {
            predicted[p]++;
            for (int g : goldLabels) {
                if (g == p) {
                    correct[p]++;
                    break;
                }
            }
        }
    }

    void print(Dictionary dict, PrintStream out) {
        for (int k = 0; k < gold.length; k++) {
            if (gold[k] == 0 && predicted[k] == 0) {
                continue;
            }
            double p = predicted[k] == 0 ? Double.NaN : correct[k] / (double) predicted[k];
            double r = gold[k] == 0 ? Double.NaN : correct[k] / (double) gold[k];
            double f1 = Double.isNaN(p) || Double.isNaN(r) || p + r == 0 ? Double.NaN : 2 * p * r / (p + r);
            out.println("F1-Score : " + fixed(f1) + "  Precision : " + fixed(p) + "  Recall : " + fixed(r) + "   " + dict.label(k));
        }
    }

    private static String fixed(double v) {
        return Double.isNaN(v) ? "--------" : String.format(Locale.ROOT, "%.6f", v);
    }
}
