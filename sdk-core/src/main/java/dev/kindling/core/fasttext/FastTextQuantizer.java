package dev.kindling.core.fasttext;

import dev.kindling.core.io.AtomicFiles;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.text.BucketIndex;
import dev.kindling.core.text.Dictionary;
import dev.kindling.core.text.LabelledLines;
import dev.kindling.core.text.SupervisedTrainer;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.Tokenizer;
import dev.kindling.core.text.TrainingArgs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * fastText's {@code quantize}: optionally keeps only the {@code cutoff} input rows of largest norm (the
 * end-of-line word always first; the words and n-gram buckets kept become a pruned dictionary), optionally
 * retrains that smaller model on the training data, then writes it as a {@code .ftz} with the input table
 * product-quantized ({@code dsub} values per code, norms quantized apart with {@code qnorm}) and, with
 * {@code qout}, the output matrix too (2 values per code).
 */
public final class FastTextQuantizer {

    /** {@code -cutoff -retrain -qnorm -qout -dsub}, and {@code -epoch -lr -thread} for retraining. */
    public record Options(int cutoff, boolean retrain, boolean qnorm, boolean qout, int dsub, int epoch, float lr, int thread) {

        public Options {
            if (cutoff < 0 || dsub < 1 || epoch < 1 || !(lr > 0) || thread < 1) {
                throw new IllegalArgumentException("quantize needs -cutoff >= 0, -dsub >= 1, -epoch >= 1, -lr > 0 and -thread >= 1");
            }
        }
    }

    private static final long SEED = 1234;

    private FastTextQuantizer() {
    }

    /**
     * Writes the quantized model to {@code ftz} and returns the (pruned, retrained) model it quantized.
     * {@code trainingLines} are needed only with {@code retrain}. The pruned model shares the given model's
     * output layer, so retraining updates that too (as fastText's quantize changes the model it loaded).
     */
    public static TextClassifier quantize(TextClassifier model, Options o, List<LabelledLines.Line> trainingLines, Path ftz) throws IOException {
        FastTextModelWriter.parts(model);   // fails early, with the reason, for what fastText cannot hold
        TextClassifier kept = o.cutoff() > 0 && o.cutoff() < fastTextRows(model) ? prune(model, o.cutoff()) : model;
        if (o.retrain() && kept != model) {
            if (trainingLines == null || trainingLines.isEmpty()) {
                throw new IllegalArgumentException("-retrain needs the training data (-input)");
            }
            SupervisedTrainer.fit(kept, trainingLines, kept.args().withEpoch(o.epoch()).withLr(o.lr()).withThread(o.thread()), null);
        }
        FastTextModelWriter.Parts p = FastTextModelWriter.parts(kept);
        Tensor input = fastTextInput(kept, p.wordIds());
        QuantizedMatrix qInput = QuantizedMatrix.of(input, o.dsub(), o.qnorm(), SEED);
        QuantizedMatrix qOutput = o.qout() ? QuantizedMatrix.of(p.output(), 2, o.qnorm(), SEED + 7) : null;
        AtomicFiles.replace(ftz, ch -> {
            BinaryOutput out = new BinaryOutput(ch);
            FastTextModelWriter.writeHeader(out, p);
            out.writeByte(1);
            qInput.write(out);
            out.writeByte(o.qout() ? 1 : 0);
            if (qOutput != null) {
                qOutput.write(out);
            } else {
                out.writeLong(p.output().size(0));
                out.writeLong(p.output().size(1));
                out.writeFloats(p.output().segment(), p.output().offset(), p.output().numel());
            }
            out.flush();
        });
        return kept;
    }

    private static int fastTextRows(TextClassifier model) {
        Dictionary d = model.dictionary();
        int active = 0;
        for (int id = 0; id < d.wordCount(); id++) {
            active += d.isActive(id) ? 1 : 0;
        }
        return active + d.buckets();
    }

    /** The input rows in fastText's order: the written words, then the bucket rows. */
    private static Tensor fastTextInput(TextClassifier model, int[] wordIds) {
        Dictionary d = model.dictionary();
        Tensor in = model.inputTable();
        Tensor out = Tensor.zeros(wordIds.length + d.buckets(), model.dim());
        for (int i = 0; i < wordIds.length; i++) {
            out.narrow(i, 1).copyFrom(in.narrow(d.wordRow(wordIds[i]), 1));
        }
        for (int r = 0; r < d.buckets(); r++) {
            out.narrow(wordIds.length + r, 1).copyFrom(in.narrow(d.bucketRow(r), 1));
        }
        return out;
    }

    /** The model with only the {@code cutoff} largest rows (the end-of-line word first), as fastText prunes. */
    static TextClassifier prune(TextClassifier model, int cutoff) {
        Dictionary d = model.dictionary();
        int[] wordIds = FastTextModelWriter.parts(model).wordIds();
        Tensor table = fastTextInput(model, wordIds);
        int rows = table.size(0), dim = model.dim();
        float[] t = table.toArray();
        double[] norm = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int j = 0; j < dim; j++) {
                s += (double) t[r * dim + j] * t[r * dim + j];
            }
            norm[r] = Math.sqrt(s);
        }
        int eosId = d.wordId(Tokenizer.EOS);
        int eos = -1;
        for (int i = 0; i < wordIds.length; i++) {
            eos = wordIds[i] == eosId ? i : eos;
        }
        int eosRow = eos;
        Integer[] order = new Integer[rows];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.<Integer>comparingInt(r -> r == eosRow ? 0 : 1).thenComparing(r -> -norm[r]));
        Integer[] top = Arrays.copyOf(order, cutoff);
        List<Integer> keptWords = new ArrayList<>();
        List<Integer> keptBucketRows = new ArrayList<>();
        for (int r : top) {
            (r < wordIds.length ? keptWords : keptBucketRows).add(r);
        }
        keptWords.sort(null);
        int[] bucketOf = d.bucketIndex().bucketOfRow();
        String[] words = new String[keptWords.size()];
        long[] counts = new long[words.length];
        boolean[] active = new boolean[words.length];
        Arrays.fill(active, true);
        Tensor pruned = Tensor.zeros(words.length + keptBucketRows.size(), dim);
        for (int i = 0; i < words.length; i++) {
            int id = wordIds[keptWords.get(i)];
            words[i] = d.word(id);
            counts[i] = d.wordFrequency(id);
            pruned.narrow(i, 1).copyFrom(table.narrow(keptWords.get(i), 1));
        }
        int[] kept = new int[keptBucketRows.size()], rowOf = new int[kept.length];
        for (int j = 0; j < kept.length; j++) {
            int r = keptBucketRows.get(j) - wordIds.length;
            kept[j] = bucketOf[r];
            rowOf[j] = j;
            pruned.narrow(words.length + j, 1).copyFrom(table.narrow(keptBucketRows.get(j), 1));
        }
        String[] labels = new String[d.labelCount()];
        long[] labelCounts = new long[labels.length];
        for (int k = 0; k < labels.length; k++) {
            labels[k] = d.label(k);
            labelCounts[k] = d.labelFrequency(k);
        }
        Dictionary dict = new Dictionary(d.labelPrefix(), d.features(), BucketIndex.pruned(d.features().buckets(), kept, rowOf), words.length,
                words, counts, active, labels, labelCounts);
        TrainingArgs args = model.args();
        return new TextClassifier(args, dict, pruned, model.output());
    }
}
