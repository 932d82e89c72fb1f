package dev.kindling.core.hsm;

import dev.kindling.core.backend.TreePathKernels;
import dev.kindling.core.backend.ThreadTrainer;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * One logistic regression per class: p(k | x) = σ(w_k·x + b_k), each label judged on its own, so a text
 * may have several (multi-label) or none. Trained as fastText's {@code -loss ns} ({@link Training#NEGATIVE_SAMPLING}:
 * the target and {@code negatives} classes drawn ∝ √count) or {@code -loss ova} ({@link Training#ONE_VS_ALL}:
 * every class, all of an example's labels positive at once, see {@link #trainLabels}). Biases are fixed
 * ({@link LabelRows}); a class added while serving starts at the prior log-odds 1/classes when first trained.
 * Prediction scores every class, O(classes · d). Host memory only; inference keeps no state and may run
 * from many threads while training threads update the weights (Hogwild).
 */
public final class IndependentLogistic implements OutputLayer {

    /** How examples train the layer. */
    public enum Training {
        /** The target class and {@code negatives} sampled other classes per step (fastText's {@code -loss ns}). */
        NEGATIVE_SAMPLING,
        /** Every class per step: the example's labels positive, all others negative (fastText's {@code -loss ova}). */
        ONE_VS_ALL
    }

    private static final AtomicLong SEEDS = new AtomicLong(0x5DEECE66DL);

    private final LabelRows rows;
    private final Training training;
    private final int negatives;
    private final ScoreConvention convention;
    private volatile NegativeSampler sampler;
    private final ThreadLocal<SplittableRandom> rng = ThreadLocal.withInitial(() -> new SplittableRandom(SEEDS.incrementAndGet()));

    /**
     * A layer over existing weights [N, d] and biases [N]; {@code counts} (one per class) weight the negative
     * samples.
     */
    public IndependentLogistic(Tensor weight, Tensor bias, Training training, int negatives, long[] counts, ScoreConvention convention) {
        this.rows = new LabelRows(weight, bias);
        if (negatives < 1) {
            throw new IllegalArgumentException("negative sampling needs at least one negative per example, got " + negatives);
        }
        if (counts.length != rows.view().classes()) {
            throw new IllegalArgumentException(counts.length + " class counts for " + rows.view().classes() + " classes");
        }
        this.training = training;
        this.negatives = negatives;
        this.convention = convention;
        this.sampler = new NegativeSampler(counts);
    }

    /** All weights and biases zero (every label ½), as fastText starts its output layer. */
    public static IndependentLogistic zeroInitialized(int dim, Training training, int negatives, long[] counts) {
        return new IndependentLogistic(Tensor.zeros(counts.length, dim), Tensor.zeros(counts.length), training, negatives, counts,
                ScoreConvention.EXACT);
    }

    @Override
    public int dim() {
        return rows.view().dim();
    }

    @Override
    public int classes() {
        return rows.view().classes();
    }

    public Training training() {
        return training;
    }

    public int negatives() {
        return negatives;
    }

    public Tensor weight() {
        return rows.view().weight();
    }

    public Tensor bias() {
        return rows.view().bias();
    }

    @Override
    public ScoreConvention scoreConvention() {
        return convention;
    }

    /** One binary logistic step on class k toward {@code positive}; adds to the input gradient; returns the loss. */
    private static double binaryStep(LabelRows.View v, int k, boolean positive, float lr, MemorySegment x, long xOff, MemorySegment g,
                                     long gOff) {
        float s = v.score(k, x, xOff);
        float delta = (float) (TreePathKernels.sigmoid(s) - (positive ? 1 : 0));
        v.gradAndUpdate(k, delta, lr, x, xOff, g, gOff);
        return -TreePathKernels.logSigmoid(positive ? s : -s);
    }

    private static void zero(MemorySegment g, long gOff, int d) {
        for (int i = 0; i < d; i++) {
            g.setAtIndex(JAVA_FLOAT, gOff + i, 0f);
        }
    }

    @Override
    public void trainStep(Tensor input, IndexTensor targets, float lr, Tensor gradInput, Tensor lossOut) {
        Tensor x = check(input);
        if (!(lr >= 0) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a finite number >= 0, got " + lr);
        }
        targets.requireRange("target class", classes());
        Shapes.requireShape("gradInput", gradInput, x.size(0), dim());
        Shapes.requireShape("loss output", lossOut, x.size(0));
        if (targets.numel() != x.size(0)) {
            throw new IllegalArgumentException("trainStep needs one target per input row (" + x.size(0) + "), got " + targets.numel());
        }
        trainStepUnchecked(x, targets, lr, gradInput, lossOut);
    }

    @Override
    public void trainStepUnchecked(Tensor input, IndexTensor targets, float lr, Tensor gradInput, Tensor lossOut) {
        step(input, targets, lr, gradInput, lossOut, rng.get());
    }

    private void step(Tensor input, IndexTensor targets, float lr, Tensor gradInput, Tensor lossOut, SplittableRandom random) {
        int d = dim();
        int[] one = new int[1];
        for (int b = 0; b < targets.numel(); b++) {
            one[0] = targets.get(b);
            float loss = trainLabels(input.segment(), input.offset() + (long) b * d, one, lr, gradInput.segment(),
                    gradInput.offset() + (long) b * d, random);
            lossOut.segment().setAtIndex(JAVA_FLOAT, lossOut.offset() + b, loss);
        }
    }

    /** Each thread draws its negatives from its own generator. */
    @Override
    public ThreadTrainer threadTrainer(int publishEvery) {
        ThreadTrainer.requirePublishEvery(publishEvery);
        SplittableRandom own = new SplittableRandom(SEEDS.incrementAndGet());
        return (ThreadTrainer.Direct) (input, targets, lr, gradInput, lossOut) -> step(input, targets, lr, gradInput, lossOut, own);
    }

    /**
     * One SGD step on the example x = {@code x[xOff, xOff + d)} with labels {@code positives}: one-vs-all trains
     * every class (the labels toward 1, the others toward 0); negative sampling trains the first label and
     * {@code negatives} drawn classes. Writes the input gradient to g (overwriting it) and returns the loss.
     */
    public float trainLabels(MemorySegment x, long xOff, int[] positives, float lr, MemorySegment g, long gOff, SplittableRandom random) {
        LabelRows.View v = rows.view();
        zero(g, gOff, v.dim());
        double loss = 0;
        if (training == Training.ONE_VS_ALL) {
            int[] sorted = positives.clone();
            Arrays.sort(sorted);
            for (int k = 0; k < v.classes(); k++) {
                loss += binaryStep(v, k, Arrays.binarySearch(sorted, k) >= 0, lr, x, xOff, g, gOff);
            }
        } else {
            int target = positives[0];
            loss += binaryStep(v, target, true, lr, x, xOff, g, gOff);
            NegativeSampler s = sampler;
            for (int i = 0; i < negatives; i++) {
                loss += binaryStep(v, s.draw(target, random), false, lr, x, xOff, g, gOff);
            }
        }
        return (float) loss;
    }

    /** log σ(score) of the given classes, [batch]. */
    @Override
    public Tensor logProb(Tensor input, IndexTensor classes) {
        Tensor x = check(input);
        if (classes.numel() != x.size(0)) {
            throw new IllegalArgumentException("logProb needs one class per input row (" + x.size(0) + "), got " + classes.numel());
        }
        LabelRows.View v = rows.view();
        classes.requireRange("class", v.classes());
        Tensor out = Tensor.zeros(x.size(0));
        for (int b = 0; b < x.size(0); b++) {
            out.setFlat(b, (float) TreePathKernels.logSigmoid(v.score(classes.get(b), x.segment(), x.offset() + (long) b * v.dim())));
        }
        return out;
    }

    /** log σ(score) of every class, [batch, N] (rows need not sum to 1 in probability). */
    @Override
    public Tensor logProbsAll(Tensor input) {
        Tensor x = check(input);
        LabelRows.View v = rows.view();
        float[] s = new float[v.classes()];
        Tensor out = Tensor.zeros(x.size(0), v.classes());
        for (int b = 0; b < x.size(0); b++) {
            v.scores(x.segment(), x.offset() + (long) b * v.dim(), s);
            for (int k = 0; k < s.length; k++) {
                out.set((float) TreePathKernels.logSigmoid(s[k]), b, k);
            }
        }
        return out;
    }

    @Override
    public TopK topK(Tensor input, int k) {
        Tensor x = OneRow.of(input);
        check(x);
        return topK(rows.view(), x.segment(), x.offset(), k, 0f);
    }

    @Override
    public TopK topK(Tensor input, int k, float threshold) {
        if (convention != ScoreConvention.FASTTEXT) {
            return OutputLayer.super.topK(input, k, threshold);
        }
        Tensor x = OneRow.of(input);
        check(x);
        return topK(rows.view(), x.segment(), x.offset(), k, threshold);
    }

    private TopK topK(LabelRows.View v, MemorySegment x, long xOff, int k, float threshold) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        int n = v.classes();
        float[] s = new float[n];
        v.scores(x, xOff, s);
        if (convention == ScoreConvention.FASTTEXT) {
            for (int c = 0; c < n; c++) {
                s[c] = FastTextNumerics.tableSigmoid(s[c]);
            }
            return FastTextNumerics.best(s, n, Math.min(k, n), threshold);
        }
        TopKHeap heap = new TopKHeap(Math.min(k, n));
        for (int c = 0; c < n; c++) {
            heap.offer(c, (float) TreePathKernels.logSigmoid(s[c]));
        }
        return heap.sorted();
    }

    @Override
    public List<TopK> topKBatch(Tensor input, int k) {
        Tensor x = check(input);
        LabelRows.View v = rows.view();
        List<TopK> out = new ArrayList<>(x.size(0));
        for (int b = 0; b < x.size(0); b++) {
            out.add(topK(v, x.segment(), x.offset() + (long) b * v.dim(), k, 0f));
        }
        return out;
    }

    /** New classes have zero weights and cannot win until trained; negative sampling draws them as rarely as a class seen once. */
    @Override
    public synchronized int addClasses(int count) {
        int first = rows.add(count);
        sampler = sampler.withAddedClasses(count);
        return first;
    }

    /** A class added while serving starts at prior log-odds −log(classes) when first trained, not at ½ for every text. */
    @Override
    public void prepareToTrain(int cls) {
        rows.prepareToTrain(cls, (float) -Math.log(classes()));
    }

    private Tensor check(Tensor input) {
        Shapes.requireRank("input", input, 2);
        if (input.size(1) != dim()) {
            throw new IllegalArgumentException("an output layer over " + dim() + " features expects input [batch, " + dim() + "], got "
                    + Shapes.str(input.shape()));
        }
        if (!input.device().isCpu()) {
            throw new IllegalArgumentException("this output layer runs on the host; move the input from " + input.device() + " first");
        }
        return input;
    }

    @Override
    public String toString() {
        return "IndependentLogistic(" + dim() + " -> " + classes() + " classes, "
                + (training == Training.ONE_VS_ALL ? "one-vs-all" : "negative sampling, " + negatives + " negatives")
                + (convention == ScoreConvention.FASTTEXT ? ", fastText scores" : "") + ")";
    }
}
