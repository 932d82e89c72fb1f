package dev.kindling.core.cli;

import dev.kindling.core.fasttext.CNumber;
import dev.kindling.core.fasttext.FastTextArgs;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.text.Dictionary;
import dev.kindling.core.text.TextClassifier;

import java.io.PrintStream;

/**
 * {@code kindling dump MODEL args|dict|input|output}, printed as fastText prints them: the settings one per
 * line, the dictionary as "entries" then "word count word|label" lines, the matrices as "rows cols" then
 * one row per line (six significant digits). A model read from fastText shows fastText's layout (words
 * before buckets; for hs, one output row per label, the last unused).
 */
final class ModelDump {

    private ModelDump() {
    }

    static void args(FastTextArgs a, PrintStream out) {
        out.print("dim " + a.dim() + "\nws " + a.ws() + "\nepoch " + a.epoch() + "\nminCount " + a.minCount() + "\nneg " + a.neg()
                + "\nwordNgrams " + a.wordNgrams() + "\nloss " + a.loss().flag() + "\nmodel " + a.model().flag() + "\nbucket " + a.bucket()
                + "\nminn " + a.minn() + "\nmaxn " + a.maxn() + "\nlrUpdateRate " + a.lrUpdateRate() + "\nt " + CNumber.significant(a.t(), 6)
                + "\n");
    }

    /** Kindling models (and the model kinds fastText lacks) print Kindling's own settings in the same layout. */
    static void args(TextClassifier m, PrintStream out) {
        var a = m.args();
        var f = m.dictionary().features();
        out.print("dim " + a.dim() + "\nws 5\nepoch " + a.epoch() + "\nminCount " + a.minCount() + "\nneg " + a.neg() + "\nwordNgrams "
                + f.wordNgrams() + "\nloss " + (a.loss() == dev.kindling.core.text.TrainingArgs.Loss.OVA ? "one-vs-all" : a.loss().flag())
                + "\nmodel sup\nbucket " + f.buckets() + "\nminn " + f.minn() + "\nmaxn " + f.maxn() + "\nlrUpdateRate " + a.lrUpdateRate()
                + "\nt 0.0001\n");
    }

    static void dictionary(Dictionary d, PrintStream out) {
        StringBuilder sb = new StringBuilder();
        sb.append(d.wordCount() + d.labelCount()).append('\n');
        for (int i = 0; i < d.wordCount(); i++) {
            sb.append(d.word(i)).append(' ').append(d.wordFrequency(i)).append(" word\n");
        }
        for (int k = 0; k < d.labelCount(); k++) {
            sb.append(d.label(k)).append(' ').append(d.labelFrequency(k)).append(" label\n");
        }
        out.print(sb);
    }

    static void matrix(Tensor t, PrintStream out) {
        out.println(t.size(0) + " " + t.size(1));
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < t.size(0); r++) {
            sb.setLength(0);
            for (int j = 0; j < t.size(1); j++) {
                if (j > 0) {
                    sb.append(' ');
                }
                sb.append(CNumber.significant(t.getFlat((long) r * t.size(1) + j), 6));
            }
            out.println(sb);
        }
    }
}
