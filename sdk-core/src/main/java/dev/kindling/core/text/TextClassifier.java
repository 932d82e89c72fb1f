package dev.kindling.core.text;

import dev.kindling.core.backend.Backends;
import dev.kindling.core.backend.HostKernels;
import dev.kindling.core.hsm.ClusterBuilders;
import dev.kindling.core.hsm.BinaryTreeSoftmax;
import dev.kindling.core.hsm.HierarchicalSoftmax;
import dev.kindling.core.hsm.FastTextHuffmanTree;
import dev.kindling.core.hsm.FullSoftmax;
import dev.kindling.core.hsm.IndependentLogistic;
import dev.kindling.core.hsm.OutputLayer;
import dev.kindling.core.hsm.ScoreConvention;
import dev.kindling.core.hsm.TopK;
import dev.kindling.core.io.MappedVerification;
import dev.kindling.core.tensor.HostStorage;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * A fastText-style supervised text classifier: a line's words and hashed word n-grams select rows of an
 * input table whose mean is the text's vector, and an {@link OutputLayer} turns it into label
 * probabilities: a {@link BinaryTreeSoftmax} for {@link TrainingArgs.Loss#HS}, a {@link HierarchicalSoftmax}
 * for {@link TrainingArgs.Loss#HSM}, a {@link FullSoftmax} for {@link TrainingArgs.Loss#SOFTMAX} (older
 * Kindling models: a single-cluster HSM) and an {@link IndependentLogistic} for {@link TrainingArgs.Loss#NS}
 * and {@link TrainingArgs.Loss#OVA}. Prediction keeps no state and may run from many threads, also while
 * a trainer updates the weights or words and labels are added.
 */
public final class TextClassifier {

    private static final HostKernels KERNELS = Backends.cpu().kernels();

    private final TrainingArgs args;
    private final Dictionary dictionary;
    private final OutputLayer output;
    private volatile Tensor input;
    private Tensor inputStore;

    public TextClassifier(TrainingArgs args, Dictionary dictionary, Tensor input, OutputLayer output) {
        Shapes.requireShape("input table", input, dictionary.inputRows(), args.dim());
        boolean kindMatches = switch (args.loss()) {
            case HS -> output instanceof BinaryTreeSoftmax;
            case HSM -> output instanceof HierarchicalSoftmax;
            // Kindling models before format 3 held their softmax as a single-cluster two-level HSM.
            case SOFTMAX -> output instanceof FullSoftmax || output instanceof HierarchicalSoftmax;
            case NS -> output instanceof IndependentLogistic l && l.training() == IndependentLogistic.Training.NEGATIVE_SAMPLING;
            case OVA -> output instanceof IndependentLogistic l && l.training() == IndependentLogistic.Training.ONE_VS_ALL;
        };
        if (!kindMatches) {
            throw new IllegalArgumentException("-loss " + args.loss().flag() + " does not match output layer " + output);
        }
        if (output.dim() != args.dim() || output.classes() != dictionary.labelCount()) {
            throw new IllegalArgumentException("output layer " + output + " does not match dim " + args.dim() + " and "
                    + dictionary.labelCount() + " labels");
        }
        if (!input.device().isCpu()) {
            throw new IllegalArgumentException("the text classifier keeps its input table in host memory, got one on " + input.device());
        }
        this.args = args;
        this.dictionary = dictionary;
        this.input = input;
        this.inputStore = input;
        this.output = output;
    }

    /** A fresh model for a dictionary: input rows uniform in ±1/dim (as fastText), output layer zero. */
    public static TextClassifier initialize(TrainingArgs args, Dictionary dictionary) {
        if (dictionary.labelCount() == 0) {
            throw new IllegalArgumentException("no labels in the training data (labels start with '" + args.label() + "')");
        }
        OutputLayer output = switch (args.loss()) {
            // fastText's own Huffman tree (its tie-breaking included), so the model can be written as a fastText file.
            case HS -> BinaryTreeSoftmax.zeroInitialized(FastTextHuffmanTree.build(dictionary.labelFrequencies()), args.dim());
            case HSM -> HierarchicalSoftmax.zeroInitialized(ClusterBuilders.byFrequency(dictionary.labelFrequencies()), args.dim());
            case SOFTMAX -> FullSoftmax.zeroInitialized(dictionary.labelCount(), args.dim());
            case NS -> IndependentLogistic.zeroInitialized(args.dim(), IndependentLogistic.Training.NEGATIVE_SAMPLING, args.neg(),
                    dictionary.labelFrequencies());
            case OVA -> IndependentLogistic.zeroInitialized(args.dim(), IndependentLogistic.Training.ONE_VS_ALL, args.neg(),
                    dictionary.labelFrequencies());
        };
        return initialize(args, dictionary, output);
    }

    /** A fresh model over a given (untrained) output layer: input rows uniform in ±1/dim, as fastText. */
    public static TextClassifier initialize(TrainingArgs args, Dictionary dictionary, OutputLayer output) {
        Tensor in = UniformRows.table(dictionary.inputRows(), args.dim(), 1f / args.dim(), args.seed());
        return new TextClassifier(args, dictionary, in, output);
    }

    public TrainingArgs args() {
        return args;
    }

    public Dictionary dictionary() {
        return dictionary;
    }

    public OutputLayer output() {
        return output;
    }

    /** The input table [buckets + words, dim]. */
    public Tensor inputTable() {
        return input;
    }

    public int dim() {
        return args.dim();
    }

    /** Writes the mean of the given input rows into out[outOff .. outOff+dim) (zeros for no rows). */
    public void hidden(int[] rows, MemorySegment out, long outOff) {
        Tensor in = input;
        int d = args.dim();
        for (int i = 0; i < d; i++) {
            out.setAtIndex(JAVA_FLOAT, outOff + i, 0f);
        }
        MemorySegment s = in.segment();
        for (int r : rows) {
            KERNELS.axpy(1f, s, in.offset() + (long) r * d, out, outOff, d);
        }
        if (rows.length > 0) {
            float inv = 1f / rows.length;
            for (int i = 0; i < d; i++) {
                out.setAtIndex(JAVA_FLOAT, outOff + i, out.getAtIndex(JAVA_FLOAT, outOff + i) * inv);
            }
        }
    }

    /** The input rows read straight from this classifier's table. */
    public InputRows inputRows() {
        return (rows, out) -> {
            MemorySegment seg = MemorySegment.ofArray(out);
            hidden(rows, seg, 0);
        };
    }

    /**
     * Exact top-k label ids and log-probabilities of each tokenized text (tokens that are labels are ignored),
     * reading input rows from {@code rows}: the one prediction path of the CLI, the serving engine and tests.
     */
    public List<TopK> predictIds(List<List<String>> tokenized, int k, InputRows rows) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        int d = args.dim();
        int kk = Math.min(k, dictionary.labelCount());
        List<TopK> out = new ArrayList<>(tokenized.size());
        float[] h = new float[d];
        Tensor ht = Tensor.wrap(h, 1, d);
        for (List<String> tokens : tokenized) {
            rows.mean(dictionary.inputRows(tokens, false), h);
            out.add(output.topK(ht, kk));
        }
        return out;
    }

    /** Label {@code id}'s name without the label prefix (as users and the serving API name labels). */
    public String labelName(int id) {
        String label = dictionary.label(id);
        String prefix = dictionary.labelPrefix();
        return label.startsWith(prefix) ? label.substring(prefix.length()) : label;
    }

    /** The text's vector [1, dim] for a tokenized line. */
    public Tensor hidden(List<String> tokens) {
        Tensor h = Tensor.zeros(1, args.dim());
        hidden(dictionary.inputRows(tokens, false), h.segment(), h.offset());
        return h;
    }

    /**
     * Top-k label ids of a tokenized line with their log-probabilities (fastText's scores for a model read from
     * fastText, see {@link OutputLayer#scoreConvention}). A line without any known feature gets the model's
     * prior, or, under fastText's convention, no label, as from fastText.
     */
    public TopK predictIds(List<String> tokens, int k) {
        return predictIds(tokens, k, 0f);
    }

    /** {@link #predictIds(List, int)} limited to labels whose probability reaches {@code threshold}. */
    public TopK predictIds(List<String> tokens, int k, float threshold) {
        int[] rows = dictionary.inputRows(tokens, false);
        if (rows.length == 0 && output.scoreConvention() == ScoreConvention.FASTTEXT) {
            return new TopK(new int[0], new float[0]);
        }
        Tensor h = Tensor.zeros(1, args.dim());
        hidden(rows, h.segment(), h.offset());
        return output.topK(h, k, threshold);
    }

    /** The k most probable labels of a text (labels in the text are ignored) with probability ≥ threshold. */
    public List<Prediction> predict(String text, int k, float threshold) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in [0, 1], got " + threshold);
        }
        TopK top = predictIds(Tokenizer.tokens(text), k, threshold);
        List<Prediction> out = new ArrayList<>(top.size());
        for (int i = 0; i < top.size(); i++) {
            out.add(new Prediction(dictionary.label(top.classes()[i]), (float) Math.exp(top.logProbs()[i])));
        }
        return out;
    }

    /**
     * Adds words to the live model: new rows start at zero and the words stay inactive (ignored by
     * prediction, so predictions do not change) until training updates them. Returns the words' ids.
     * Must not run concurrently with training.
     */
    public synchronized int[] addWords(List<String> words) {
        int[] ids = dictionary.addWords(words);
        int rows = dictionary.inputRows();
        if (rows > inputStore.size(0)) {
            int grown = Math.max(rows, (int) Math.min(Integer.MAX_VALUE - 8, inputStore.size(0) + (long) inputStore.size(0) / 2));
            // A table kept outside the heap (native or mapped) grows into native memory, not onto the heap.
            boolean offHeap = ((HostStorage) inputStore.storage()).isNative();
            Tensor bigger = offHeap ? Tensor.offHeap(grown, args.dim()) : Tensor.zeros(grown, args.dim());
            bigger.narrow(0, input.size(0)).copyFrom(input);
            inputStore = bigger;
        }
        input = inputStore.narrow(0, rows);
        return ids;
    }

    /**
     * Adds labels (with prefix) to the live model without retraining: existing labels keep their
     * probabilities until training touches the new ones. Returns the labels' ids. Must not run
     * concurrently with training.
     */
    public synchronized int[] addLabels(List<String> labels) {
        int before = dictionary.labelCount();
        int[] ids = dictionary.addLabels(labels);
        int added = dictionary.labelCount() - before;
        if (added > 0) {
            output.addClasses(added);
        }
        return ids;
    }

    public void save(Path file) throws IOException {
        TextClassifierFile.save(this, file);
    }

    /** Loads a model, verifying its checksums; an IOException says what is damaged. */
    public static TextClassifier load(Path file) throws IOException {
        return load(file, TablePlacement.HEAP);
    }

    /** Loads a model with its input table placed as asked (heap, native memory, or mapped from the file), verifying it all. */
    public static TextClassifier load(Path file, TablePlacement inputTable) throws IOException {
        return load(file, inputTable, MappedVerification.VERIFY);
    }

    /**
     * As {@link #load(Path, TablePlacement)}; {@code mappedCheck} {@link MappedVerification#SKIP} leaves a mapped
     * input table unverified so that loading touches none of its pages (the header and the other tensors are still verified).
     */
    public static TextClassifier load(Path file, TablePlacement inputTable, MappedVerification mappedCheck) throws IOException {
        return TextClassifierFile.load(file, inputTable, mappedCheck);
    }

    @Override
    public String toString() {
        return "TextClassifier(" + dictionary.wordCount() + " words, " + dictionary.buckets() + " buckets, " + dictionary.labelCount()
                + " labels, dim " + args.dim() + ", " + output + ")";
    }
}
