package dev.kindling.core.fasttext;

import dev.kindling.core.hsm.BinaryTreeSoftmax;
import dev.kindling.core.hsm.FullSoftmax;
import dev.kindling.core.hsm.HierarchicalSoftmax;
import dev.kindling.core.hsm.IndependentLogistic;
import dev.kindling.core.hsm.OutputLayer;
import dev.kindling.core.io.AtomicFiles;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.text.Dictionary;
import dev.kindling.core.text.NgramHashing;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.TextFeatures;
import dev.kindling.core.text.TrainingArgs;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a Kindling classifier as a fastText 0.9.x {@code .bin} (file version 12) that fastText itself loads
 * and predicts with, where fastText can hold the model: a softmax, ns or ova layer, or a binary tree (hs)
 * whose shape fastText can rebuild from label counts ({@link FastTextTreeEncoding}), with no label biases
 * (labels added online and never trained, or nodes added when a tree grew, have some), hashed as fastText
 * hashes, and not pruned (fastText reads pruned dictionaries only with quantized tables). Words added online
 * and never trained are left out: Kindling treats them as unknown words, as fastText then does. The two-level
 * HSM has no fastText counterpart; Kindling's own format keeps it.
 */
public final class FastTextModelWriter {

    private FastTextModelWriter() {
    }

    /** What goes into the file: settings, dictionary, and the output matrix in fastText's row order. */
    record Parts(FastTextArgs args, FastTextDictionary dictionary, int[] wordIds, Tensor output) {
    }

    /** Writes the model (atomically: a crash leaves the old file or the new one). */
    public static void write(TextClassifier model, Path file) throws IOException {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("writing fastText models needs a little-endian platform");
        }
        Parts p = parts(model);
        if (model.dictionary().bucketIndex().isPruned()) {
            throw new IllegalArgumentException("this model keeps only some n-gram buckets (it was pruned); fastText reads pruned models only"
                    + " with quantized tables: write it with `kindling quantize` instead");
        }
        AtomicFiles.replace(file, ch -> {
            BinaryOutput out = new BinaryOutput(ch);
            writeHeader(out, p);
            out.writeByte(0);   // input not quantized
            writeInput(out, model, p.wordIds());
            out.writeByte(0);   // output not quantized
            out.writeLong(p.output().size(0));
            out.writeLong(p.output().size(1));
            out.writeFloats(p.output().segment(), p.output().offset(), p.output().numel());
            out.flush();
        });
    }

    static void writeHeader(BinaryOutput out, Parts p) throws IOException {
        out.writeInt(FastTextModelReader.MAGIC);
        out.writeInt(FastTextModelReader.VERSION);
        p.args().write(out);
        p.dictionary().write(out);
    }

    /** The words' rows in id order (those written), then the bucket rows: fastText's layout. */
    static void writeInput(BinaryOutput out, TextClassifier model, int[] wordIds) throws IOException {
        Dictionary d = model.dictionary();
        Tensor in = model.inputTable();
        int dim = model.dim();
        out.writeLong((long) wordIds.length + d.buckets());
        out.writeLong(dim);
        for (int id : wordIds) {
            out.writeFloats(in.segment(), in.offset() + (long) d.wordRow(id) * dim, dim);
        }
        for (int r = 0; r < d.buckets(); r++) {
            out.writeFloats(in.segment(), in.offset() + (long) d.bucketRow(r) * dim, dim);
        }
    }

    static Parts parts(TextClassifier model) {
        Dictionary d = model.dictionary();
        TextFeatures f = d.features();
        if (f.hashing() != NgramHashing.FASTTEXT) {
            throw new IllegalArgumentException("this model hashes its n-grams as Kindling did before model format 3, so fastText would look"
                    + " them up in other buckets; retrain it with this Kindling to export it");
        }
        List<Integer> kept = new ArrayList<>();
        long tokens = 0;
        for (int id = 0; id < d.wordCount(); id++) {
            if (d.isActive(id)) {
                kept.add(id);
                tokens += d.wordFrequency(id);
            }
        }
        int[] wordIds = kept.stream().mapToInt(Integer::intValue).toArray();
        String[] words = new String[wordIds.length];
        long[] wordCounts = new long[wordIds.length];
        for (int i = 0; i < wordIds.length; i++) {
            words[i] = d.word(wordIds[i]);
            wordCounts[i] = Math.max(1, d.wordFrequency(wordIds[i]));
        }
        int n = d.labelCount();
        long[] classCounts = new long[n];
        for (int k = 0; k < n; k++) {
            classCounts[k] = Math.max(1, d.labelFrequency(k));
        }
        OutputLayer layer = model.output();
        int[] classOfLabel = new int[n];
        java.util.Arrays.setAll(classOfLabel, k -> k);
        long[] labelCounts = classCounts;
        Tensor output;
        FastTextArgs.Loss loss;
        switch (layer) {
            case FullSoftmax s -> {
                requireZero(s.bias(), "labels added online and never trained carry a bias");
                output = s.weight();
                loss = FastTextArgs.Loss.SOFTMAX;
            }
            case IndependentLogistic l -> {
                requireZero(l.bias(), "labels added online carry a prior bias");
                output = l.weight();
                loss = l.training() == IndependentLogistic.Training.ONE_VS_ALL ? FastTextArgs.Loss.OVA : FastTextArgs.Loss.NS;
            }
            case HierarchicalSoftmax h when h.mapping().clusters() == 1 -> {
                requireZero(h.classBias().value(), "softmax models of Kindling before model format 3 learned a bias per label");
                output = h.classWeight().value();
                loss = FastTextArgs.Loss.SOFTMAX;
            }
            case BinaryTreeSoftmax t -> {
                requireZero(t.nodeBias(), "the label tree grew online, and its new nodes carry biases");
                FastTextTreeEncoding e = FastTextTreeEncoding.of(t.tree(), classCounts);
                classOfLabel = e.classOfLabel();
                labelCounts = e.counts();
                // fastText scores its internal node i with output row i (of one row per label; the last is unused).
                output = Tensor.zeros(n, model.dim());
                Tensor w = t.nodeWeight().value();
                for (int node = 0; node < t.tree().nodes(); node++) {
                    output.narrow(e.rowOfNode()[node], 1).copyFrom(w.narrow(node, 1));
                }
                loss = FastTextArgs.Loss.HS;
            }
            default -> throw new IllegalArgumentException("fastText has no counterpart of " + layer
                    + "; keep it in Kindling's model format (the two-level HSM is Kindling's own)");
        }
        String[] labels = new String[n];
        long[] counts = new long[n];
        // Only the tree reorders labels; its output rows are already in fastText's node order.
        for (int label = 0; label < n; label++) {
            int k = classOfLabel[label];
            labels[label] = d.label(k);
            counts[label] = labelCounts[label];
            tokens += classCounts[k];
        }
        TrainingArgs a = model.args();
        FastTextArgs args = new FastTextArgs(model.dim(), 5, a.epoch(), a.minCount(), a.neg(), f.wordNgrams(), loss,
                FastTextArgs.ModelKind.SUPERVISED, f.buckets(), f.minn(), f.maxn(), a.lrUpdateRate(), 1e-4);
        int[] pruned = d.bucketIndex().isPruned() ? d.bucketIndex().bucketOfRow() : null;
        return new Parts(args, new FastTextDictionary(words, wordCounts, labels, counts, tokens, pruned), wordIds, output);
    }

    private static void requireZero(Tensor bias, String why) {
        for (long i = 0; i < bias.numel(); i++) {
            if (bias.getFlat(i) != 0f) {
                throw new IllegalArgumentException("fastText's output layer has no biases, but " + why + "; keep this model in Kindling's"
                        + " model format");
            }
        }
    }
}
