package dev.kindling.core.hsm;

import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * An exact softmax over every class, fastText's {@code -loss softmax}: p(k | x) ∝ exp(w_k·x + b_k) with one
 * weight row per class and fixed biases ({@link LabelRows}: zero except for classes added while serving), and
 * fastText's SGD step, which moves every class row. Costs O(classes · d) per example and prediction, so it
 * suits up to some thousands of labels. Host memory only. Inference keeps no state and may run from many
 * threads, also while {@link #addClasses} grows the layer; {@link #trainStep} may run from several training
 * threads at once (Hogwild).
 */
public final class FullSoftmax implements OutputLayer {

    /** Names of the tables in row patches. */
    public static final String WEIGHT = "softmax.weight", BIAS = "softmax.bias";

    private final LabelRows rows;
    private final ScoreConvention convention;
    private final ThreadLocal<float[]> scratch = new ThreadLocal<>();

    /** A softmax over existing weights [N, d] and biases [N]. */
    public FullSoftmax(Tensor weight, Tensor bias, ScoreConvention convention) {
        this.rows = new LabelRows(weight, bias);
        this.convention = convention;
    }

    /** All weights and biases zero (uniform predictions), as fastText starts its output layer. */
    public static FullSoftmax zeroInitialized(int classes, int dim) {
        return new FullSoftmax(Tensor.zeros(classes, dim), Tensor.zeros(classes), ScoreConvention.EXACT);
    }

    @Override
    public int dim() {
        return rows.view().dim();
    }

    @Override
    public int classes() {
        return rows.view().classes();
    }

    /** The class weights [N, d]. */
    public Tensor weight() {
        return rows.view().weight();
    }

    /** The fixed class biases [N]. */
    public Tensor bias() {
        return rows.view().bias();
    }

    @Override
    public ScoreConvention scoreConvention() {
        return convention;
    }

    private float[] scratch(int n) {
        float[] s = scratch.get();
        if (s == null || s.length < n) {
            s = new float[Math.max(n, 16)];
            scratch.set(s);
        }
        return s;
    }

    /** Softmax of the scores in place (exact, in double accumulation); returns log Σ exp. */
    private static double softmaxInPlace(float[] s, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            max = Math.max(max, s[k]);
        }
        double sum = 0;
        for (int k = 0; k < n; k++) {
            double e = Math.exp(s[k] - max);
            s[k] = (float) e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int k = 0; k < n; k++) {
            s[k] *= inv;
        }
        return max + Math.log(sum);
    }

    @Override
    public void trainStep(Tensor input, IndexTensor targets, float lr, Tensor gradInput, Tensor lossOut) {
        Tensor x = check(input);
        if (!(lr >= 0) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a finite number >= 0, got " + lr);
        }
        targets.requireRange("softmax target class", classes());
        Shapes.requireShape("softmax gradInput", gradInput, x.size(0), dim());
        Shapes.requireShape("softmax loss output", lossOut, x.size(0));
        if (targets.numel() != x.size(0)) {
            throw new IllegalArgumentException("trainStep needs one target per input row (" + x.size(0) + "), got " + targets.numel());
        }
        trainStepUnchecked(x, targets, lr, gradInput, lossOut);
    }

    /**
     * fastText's softmax step: every class row k moves by −lr·(p_k − [k = target])·x, and the input gradient
     * sums (p_k − [k = target])·w_k over the rows as they were before the step.
     */
    @Override
    public void trainStepUnchecked(Tensor input, IndexTensor targets, float lr, Tensor gradInput, Tensor lossOut) {
        LabelRows.View v = rows.view();
        int d = v.dim(), n = v.classes();
        float[] p = scratch(n);
        MemorySegment xs = input.segment(), gs = gradInput.segment();
        for (int b = 0; b < targets.numel(); b++) {
            int target = targets.get(b);
            long xOff = input.offset() + (long) b * d, gOff = gradInput.offset() + (long) b * d;
            for (int i = 0; i < d; i++) {
                gs.setAtIndex(JAVA_FLOAT, gOff + i, 0f);
            }
            v.scores(xs, xOff, p);
            float targetScore = p[target];
            double logZ = softmaxInPlace(p, n);
            lossOut.segment().setAtIndex(JAVA_FLOAT, lossOut.offset() + b, (float) (logZ - targetScore));
            for (int k = 0; k < n; k++) {
                float delta = k == target ? p[k] - 1f : p[k];
                if (delta != 0f) {
                    v.gradAndUpdate(k, delta, lr, xs, xOff, gs, gOff);
                }
            }
        }
    }

    @Override
    public Tensor logProb(Tensor input, IndexTensor classes) {
        Tensor x = check(input);
        if (classes.numel() != x.size(0)) {
            throw new IllegalArgumentException("logProb needs one class per input row (" + x.size(0) + "), got " + classes.numel());
        }
        LabelRows.View v = rows.view();
        classes.requireRange("softmax class", v.classes());
        float[] s = new float[v.classes()];
        Tensor out = Tensor.zeros(x.size(0));
        for (int b = 0; b < x.size(0); b++) {
            v.scores(x.segment(), x.offset() + (long) b * v.dim(), s);
            float target = s[classes.get(b)];
            out.setFlat(b, (float) (target - logSumExp(s, v.classes())));
        }
        return out;
    }

    private static double logSumExp(float[] s, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            max = Math.max(max, s[k]);
        }
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += Math.exp(s[k] - max);
        }
        return max + Math.log(sum);
    }

    @Override
    public Tensor logProbsAll(Tensor input) {
        Tensor x = check(input);
        LabelRows.View v = rows.view();
        int n = v.classes();
        float[] s = new float[n];
        Tensor out = Tensor.zeros(x.size(0), n);
        for (int b = 0; b < x.size(0); b++) {
            v.scores(x.segment(), x.offset() + (long) b * v.dim(), s);
            double lse = logSumExp(s, n);
            for (int k = 0; k < n; k++) {
                out.set((float) (s[k] - lse), b, k);
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
        int n = v.classes();
        float[] s = new float[n];
        v.scores(x, xOff, s);
        if (convention == ScoreConvention.FASTTEXT) {
            FastTextNumerics.softmaxInPlace(s, n);
            return FastTextNumerics.best(s, n, requireK(k, n), threshold);
        }
        TopKHeap heap = new TopKHeap(requireK(k, n));
        double lse = logSumExp(s, n);
        for (int c = 0; c < n; c++) {
            heap.offer(c, (float) (s[c] - lse));
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

    private static int requireK(int k, int classes) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        return Math.min(k, classes);
    }

    @Override
    public int addClasses(int count) {
        return rows.add(count);
    }

    /** Every step moves every class row: the private copy is the whole layer (host tables only). */
    @Override
    public StagedOutput stage(int[] classes) {
        int n = classes();
        for (int cls : classes) {
            if (cls < 0 || cls >= n) {   // staged steps skip trainStep's checks: a bad id would read stale scratch
                throw new IllegalArgumentException("class " + cls + " out of range [0, " + n + ")");
            }
        }
        return weight().device().isCpu() ? new StagedSoftmax(this) : null;
    }

    @Override
    public Tensor patchTarget(String table) {
        return switch (table) {
            case WEIGHT -> weight();
            case BIAS -> bias();
            default -> OutputLayer.super.patchTarget(table);
        };
    }

    /** A class added by {@link #addClasses} starts like an untrained class (bias 0) when training first reaches it. */
    @Override
    public void prepareToTrain(int cls) {
        rows.prepareToTrain(cls, 0f);
    }

    private Tensor check(Tensor input) {
        Shapes.requireRank("softmax input", input, 2);
        if (input.size(1) != dim()) {
            throw new IllegalArgumentException("softmax over " + dim() + " features expects input [batch, " + dim() + "], got "
                    + Shapes.str(input.shape()));
        }
        if (!input.device().isCpu()) {
            throw new IllegalArgumentException("the softmax runs on the host; move the input from " + input.device() + " first");
        }
        return input;
    }

    @Override
    public String toString() {
        return "FullSoftmax(" + dim() + " -> " + classes() + " classes" + (convention == ScoreConvention.FASTTEXT ? ", fastText scores" : "")
                + ")";
    }
}
