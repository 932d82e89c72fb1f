package dev.kindling.core.fasttext;

import dev.kindling.core.hsm.BinaryTreeSoftmax;
import dev.kindling.core.hsm.FastTextHuffmanTree;
import dev.kindling.core.hsm.FullSoftmax;
import dev.kindling.core.hsm.IndependentLogistic;
import dev.kindling.core.hsm.OutputLayer;
import dev.kindling.core.hsm.ScoreConvention;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.text.BucketIndex;
import dev.kindling.core.text.Dictionary;
import dev.kindling.core.text.NgramHashing;
import dev.kindling.core.text.TablePlacement;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.TextFeatures;
import dev.kindling.core.text.TrainingArgs;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a supervised fastText model ({@code .bin}, or {@code .ftz} when quantized) written by fastText 0.9.x
 * (file versions 11 and 12) into a {@link TextClassifier} that predicts exactly as fastText did: the same
 * dictionary with its rows (words first, then buckets, as fastText lays them out), fastText's hashing of
 * word and character n-grams and its pruned buckets, the output layer of its loss (softmax, hs with the tree
 * fastText rebuilds from the label counts, ns or ova), and fastText's score convention. Quantized matrices
 * are decoded to float32.
 */
public final class FastTextModelReader {

    /** The first int32 of every fastText model file. */
    public static final int MAGIC = 793712314;
    /** The file version fastText 0.9.x writes. */
    public static final int VERSION = 12;

    private static final String DEFAULT_LABEL_PREFIX = "__label__";

    private FastTextModelReader() {
    }

    /** What a fastText model file holds, before it becomes a classifier. */
    public record Contents(int version, FastTextArgs args, FastTextDictionary dictionary, boolean quantizedInput, boolean quantizedOutput,
                           Tensor input, Tensor output) {
    }

    /** Whether the file starts with fastText's magic number. */
    public static boolean isFastTextModel(Path file) throws IOException {
        try (BinaryInput in = new BinaryInput(file)) {
            return in.remaining() >= 4 && in.readInt("magic") == MAGIC;
        }
    }

    /** Reads a supervised fastText model as a classifier, its input table placed as asked. */
    public static TextClassifier read(Path file, TablePlacement inputPlacement) throws IOException {
        Contents contents = readContents(file, inputPlacement);
        try {
            return toClassifier(contents, file);
        } catch (IllegalArgumentException e) {
            // Blocks that read fine but do not make a model together (settings out of range, shapes that disagree).
            FastTextFormatException bad = new FastTextFormatException(file + " is not a usable fastText model: " + e.getMessage());
            bad.initCause(e);
            throw bad;
        }
    }

    /** Reads every block of a fastText model file. */
    public static Contents readContents(Path file, TablePlacement inputPlacement) throws IOException {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("reading fastText models needs a little-endian platform");
        }
        try (BinaryInput in = new BinaryInput(file)) {
            in.require(8, "the fastText magic number and version");
            int magic = in.readInt("magic");
            if (magic != MAGIC) {
                throw in.error("not a fastText model: it starts with " + String.format("0x%08X", magic) + ", fastText's models with "
                        + String.format("0x%08X", MAGIC));
            }
            int version = in.readInt("version");
            if (version < 11 || version > VERSION) {
                throw in.error("fastText file version " + version + "; Kindling reads versions 11 and 12 (fastText 0.9.x)");
            }
            FastTextArgs args = FastTextArgs.read(in);
            if (version == 11 && args.model() == FastTextArgs.ModelKind.SUPERVISED && args.maxn() != 0) {
                // As fastText: supervised models of version 11 did not use character n-grams.
                args = new FastTextArgs(args.dim(), args.ws(), args.epoch(), args.minCount(), args.neg(), args.wordNgrams(), args.loss(),
                        args.model(), args.bucket(), args.minn(), 0, args.lrUpdateRate(), args.t());
            }
            FastTextDictionary dict = FastTextDictionary.read(in);
            boolean quantInput = in.readBool("the quantized-input flag");
            Tensor input = quantInput ? FastTextMatrices.readQuantized(in, "the input matrix", inputPlacement)
                    : FastTextMatrices.readDense(in, "the input matrix", inputPlacement);
            boolean qout = in.readBool("the quantized-output flag");
            // fastText reads a quantized output matrix only when the input is quantized too. The output matrix lives
            // with the input table (a million labels × 100 values is 400 MB), though never mapped: it is trained in place.
            boolean quantOutput = quantInput && qout;
            TablePlacement outputPlacement = inputPlacement == TablePlacement.HEAP ? TablePlacement.HEAP : TablePlacement.OFF_HEAP;
            Tensor output = quantOutput ? FastTextMatrices.readQuantized(in, "the output matrix", outputPlacement)
                    : FastTextMatrices.readDense(in, "the output matrix", outputPlacement);
            if (in.remaining() != 0) {
                throw in.error(in.remaining() + " unexpected bytes after the output matrix at offset " + in.position()
                        + "; a fastText model ends there");
            }
            int bucketRows = dict.isPruned() ? dict.prunedBuckets().length : args.bucket();
            long wantInput = (long) dict.words().length + bucketRows;
            if (input.size(0) != wantInput || input.size(1) != args.dim()) {
                throw in.error("the input matrix is " + input.size(0) + " × " + input.size(1) + "; expected " + wantInput + " × "
                        + args.dim() + " (" + dict.words().length + " words + " + bucketRows + " buckets, dim " + args.dim() + ")");
            }
            if (args.model() == FastTextArgs.ModelKind.SUPERVISED
                    && (output.size(0) != dict.labels().length || output.size(1) != args.dim())) {
                throw in.error("the output matrix is " + output.size(0) + " × " + output.size(1) + "; expected " + dict.labels().length
                        + " × " + args.dim() + " (one row per label)");
            }
            return new Contents(version, args, dict, quantInput, quantOutput, input, output);
        }
    }

    private static TextClassifier toClassifier(Contents c, Path file) throws IOException {
        FastTextArgs a = c.args();
        FastTextDictionary d = c.dictionary();
        if (a.model() != FastTextArgs.ModelKind.SUPERVISED) {
            throw new FastTextFormatException(file + ": a fastText " + a.model().flag() + " model holds word vectors, not a classifier;"
                    + " Kindling reads fastText's supervised models (fasttext supervised)");
        }
        if (d.labels().length == 0) {
            throw new FastTextFormatException(file + ": the model has no labels");
        }
        String prefix = labelPrefix(d.labels());
        TextFeatures features = new TextFeatures(a.wordNgrams(), a.maxn() > 0 ? a.minn() : 0, a.maxn(), a.bucket(), NgramHashing.FASTTEXT);
        BucketIndex buckets;
        try {
            buckets = d.isPruned() ? BucketIndex.pruned(a.bucket(), d.prunedBuckets(), identity(d.prunedBuckets().length))
                    : BucketIndex.all(a.bucket());
        } catch (IllegalArgumentException e) {
            throw new FastTextFormatException(file + ": corrupt pruned buckets: " + e.getMessage());
        }
        boolean[] active = new boolean[d.words().length];
        Arrays.fill(active, true);
        Dictionary dict;
        try {
            dict = new Dictionary(prefix, features, buckets, d.words().length, d.words(), d.wordCounts(), active, d.labels(), d.labelCounts());
        } catch (IllegalArgumentException e) {
            throw new FastTextFormatException(file + ": corrupt dictionary: " + e.getMessage());
        }
        TrainingArgs.Loss loss = switch (a.loss()) {
            case HS -> TrainingArgs.Loss.HS;
            case NS -> TrainingArgs.Loss.NS;
            case SOFTMAX -> TrainingArgs.Loss.SOFTMAX;
            case OVA -> TrainingArgs.Loss.OVA;
        };
        TrainingArgs args = TrainingArgs.defaults().withDim(a.dim()).withEpoch(Math.max(1, a.epoch())).withWordNgrams(a.wordNgrams())
                .withMinCount(Math.max(1, a.minCount())).withBucket(a.bucket()).withLoss(loss).withLrUpdateRate(Math.max(1, a.lrUpdateRate()))
                .withLabel(prefix).withTree(TrainingArgs.Tree.HUFFMAN).withMinn(features.minn()).withMaxn(a.maxn())
                .withNeg(Math.max(1, a.neg()));
        return new TextClassifier(args, dict, c.input(), outputLayer(a, d, c.output(), file));
    }

    private static OutputLayer outputLayer(FastTextArgs a, FastTextDictionary d, Tensor output, Path file) throws IOException {
        int labels = d.labels().length;
        return switch (a.loss()) {
            case SOFTMAX -> new FullSoftmax(output, Tensor.zeros(labels), ScoreConvention.FASTTEXT);
            case HS -> {
                try {
                    // fastText scores internal node i with output row i; the last row of its matrix is unused.
                    yield new BinaryTreeSoftmax(FastTextHuffmanTree.build(d.labelCounts()), output.narrow(0, labels - 1),
                            Tensor.zeros(labels - 1, 1), ScoreConvention.FASTTEXT);
                } catch (IllegalArgumentException e) {
                    throw new FastTextFormatException(file + ": cannot rebuild the hs label tree: " + e.getMessage());
                }
            }
            case NS, OVA -> new IndependentLogistic(output, Tensor.zeros(labels), a.loss() == FastTextArgs.Loss.OVA
                    ? IndependentLogistic.Training.ONE_VS_ALL : IndependentLogistic.Training.NEGATIVE_SAMPLING,
                    Math.max(1, a.neg()), d.labelCounts(), ScoreConvention.FASTTEXT);
        };
    }

    /**
     * fastText does not store its {@code -label} prefix: "__label__" (its default) when every label has it,
     * else the longest prefix all labels share.
     */
    static String labelPrefix(String[] labels) {
        if (Arrays.stream(labels).allMatch(l -> l.startsWith(DEFAULT_LABEL_PREFIX) && l.length() > DEFAULT_LABEL_PREFIX.length())) {
            return DEFAULT_LABEL_PREFIX;
        }
        String p = labels[0];
        for (String l : labels) {
            int n = 0;
            while (n < p.length() && n < l.length() && p.charAt(n) == l.charAt(n)) {
                n++;
            }
            p = p.substring(0, n);
        }
        if (p.isEmpty()) {
            throw new IllegalArgumentException("the model's labels share no prefix (e.g. '" + labels[0] + "'); Kindling needs fastText's -label prefix");
        }
        return labels.length == 1 ? p.substring(0, Math.max(1, p.length() - 1)) : p;
    }

    private static int[] identity(int n) {
        int[] r = new int[n];
        Arrays.setAll(r, i -> i);
        return r;
    }
}
