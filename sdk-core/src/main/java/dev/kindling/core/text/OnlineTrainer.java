package dev.kindling.core.text;

import dev.kindling.core.backend.Backends;
import dev.kindling.core.backend.HostKernels;
import dev.kindling.core.hsm.IndependentLogistic;
import dev.kindling.core.hsm.OutputLayer;
import dev.kindling.core.hsm.StagedOutput;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Online fine-tuning of a live {@link TextClassifier}: one SGD step per (example, label) at a fixed
 * learning rate, the same update as supervised training (output layer by the direct-update path, the
 * input rows by −lr·grad / rows). Labels and words an example brings that the model lacks are added
 * first, so feedback may teach new labels. The caller serializes calls with prediction-affecting
 * structure changes (adding words or labels); predictions may run concurrently with the weight updates.
 */
public final class OnlineTrainer {

    private static final HostKernels KERNELS = Backends.cpu().kernels();

    /**
     * Mean loss of the steps taken, how many, the input rows they changed and the classes they trained (both
     * ascending, distinct), and how many labels were added.
     */
    public record Result(double meanLoss, int steps, int[] touchedRows, int[] trainedClasses, int labelsAdded) {
    }

    private OnlineTrainer() {
    }

    /**
     * Checks a batch and adds the labels and words it brings that the model lacks: invisible to prediction (new
     * labels start near-impossible, new words inactive), so the live model may take them while it serves. Checked
     * before anything is added, so a batch the model refuses leaves it unchanged.
     */
    static Growth grow(TextClassifier model, List<List<String>> tokens, List<List<String>> labels, float lr) {
        if (tokens.size() != labels.size()) {
            throw new IllegalArgumentException(tokens.size() + " token lists but " + labels.size() + " label lists");
        }
        if (!(lr > 0) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a positive finite number, got " + lr);
        }
        Dictionary dict = model.dictionary();
        List<String> newLabels = new ArrayList<>();
        List<String> newWords = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            for (String l : labels.get(i)) {
                if (!dict.isLabel(l)) {
                    throw new IllegalArgumentException("label '" + l + "' lacks the model's label prefix '" + dict.labelPrefix() + "'");
                }
                if (dict.labelId(l) < 0 && !newLabels.contains(l)) {
                    newLabels.add(l);
                }
            }
            for (String w : tokens.get(i)) {
                if (!dict.isLabel(w) && dict.wordId(w) < 0 && !newWords.contains(w)) {
                    newWords.add(w);
                }
            }
        }
        newLabels.forEach(dict::checkNewLabel);
        newWords.forEach(dict::checkNewWord);
        if (!newLabels.isEmpty()) {
            model.addLabels(newLabels);
        }
        int d = model.dim();
        if (!newWords.isEmpty()) {
            int[] ids = model.addWords(newWords);
            Tensor in = model.inputTable();
            // New words start inactive (ignored by prediction), so random rows change no prediction yet; zero rows
            // would leave a new word and a new label (zero output weights) stuck at a saddle point.
            SplittableRandom rng = new SplittableRandom(Arrays.hashCode(ids) * 31L + dict.wordCount());
            float bound = 1f / d;
            for (int id : ids) {
                long base = in.offset() + (long) dict.wordRow(id) * d;
                for (int j = 0; j < d; j++) {
                    in.segment().setAtIndex(JAVA_FLOAT, base + j, (float) ((rng.nextDouble() * 2 - 1) * bound));
                }
            }
        }
        return new Growth(List.copyOf(newLabels), List.copyOf(newWords));
    }

    /** The labels (with prefix) and words a batch added to the model, in the order they got their ids. */
    record Growth(List<String> labels, List<String> words) {
    }

    /**
     * Trains {@code examples}: each is its tokens (without labels) and its labels (with the model's label
     * prefix). Examples without any input feature are skipped.
     */
    public static Result train(TextClassifier model, List<List<String>> tokens, List<List<String>> labels, float lr) {
        int before = model.dictionary().labelCount();
        grow(model, tokens, labels, lr);
        Dictionary dict = model.dictionary();
        OutputLayer out = model.output();
        for (List<String> ls : labels) {
            for (String l : ls) {
                out.prepareToTrain(dict.labelId(l));
            }
        }
        int d = model.dim();
        Tensor in = model.inputTable();
        MemorySegment ins = in.segment();
        Tensor h = Tensor.zeros(1, d), grad = Tensor.zeros(1, d), loss = Tensor.zeros(1);
        int[] target = new int[1];
        IndexTensor targetIds = IndexTensor.wrap(target, 1);
        double lossSum = 0;
        int steps = 0;
        IndependentLogistic allLabels = out instanceof IndependentLogistic l && l.training() == IndependentLogistic.Training.ONE_VS_ALL
                ? l : null;
        SplittableRandom rng = new SplittableRandom(dict.labelCount() * 31L + tokens.size());
        int[] touched = new int[0];
        int touchedCount = 0;
        BitSet trained = new BitSet();
        for (int i = 0; i < tokens.size(); i++) {
            int[] rows = dict.inputRows(tokens.get(i), true);
            if (rows.length == 0) {
                continue;
            }
            for (int r : rows) {
                int w = dict.wordOfRow(r);
                if (w >= 0) {
                    dict.activate(w);
                }
            }
            // One-vs-all learns all of an example's labels in one step (as fastText); the other losses one label per step.
            List<String> ls = labels.get(i);
            ls.forEach(l -> trained.set(dict.labelId(l)));
            int stepsHere = allLabels != null ? Math.min(1, ls.size()) : ls.size();
            for (int j = 0; j < stepsHere; j++) {
                model.hidden(rows, h.segment(), h.offset());
                if (allLabels != null) {
                    int[] ids = ls.stream().mapToInt(dict::labelId).toArray();
                    loss.segment().setAtIndex(JAVA_FLOAT, loss.offset(),
                            allLabels.trainLabels(h.segment(), h.offset(), ids, lr, grad.segment(), grad.offset(), rng));
                } else {
                    target[0] = dict.labelId(ls.get(j));
                    out.trainStep(h, targetIds, lr, grad, loss);
                }
                float a = -lr / rows.length;
                for (int row : rows) {
                    KERNELS.axpy(a, grad.segment(), grad.offset(), ins, in.offset() + (long) row * d, d);
                }
                lossSum += loss.segment().getAtIndex(JAVA_FLOAT, loss.offset());
                steps++;
            }
            if (touchedCount + rows.length > touched.length) {
                touched = Arrays.copyOf(touched, Math.max(16, 2 * (touchedCount + rows.length)));
            }
            System.arraycopy(rows, 0, touched, touchedCount, rows.length);
            touchedCount += rows.length;
        }
        int[] distinct = Arrays.stream(touched, 0, touchedCount).distinct().sorted().toArray();
        return new Result(steps == 0 ? 0 : lossSum / steps, steps, distinct, trained.stream().toArray(), dict.labelCount() - before);
    }

    /**
     * Trains {@code examples} on private copies of the rows they touch, leaving the live classifier's weights as
     * they are until {@link StagedUpdate#publish}: prediction may go on meanwhile and never waits for the training.
     * Labels and words the batch brings are added to the live classifier first (invisible to prediction until
     * published: new labels start near-impossible, new words inactive). Returns null, having added only those,
     * where the output layer cannot stage (the caller then trains in place with {@link #train}).
     */
    public static StagedUpdate stage(TextClassifier model, List<List<String>> tokens, List<List<String>> labels, float lr) {
        int before = model.dictionary().labelCount();
        Growth growth = grow(model, tokens, labels, lr);
        Dictionary dict = model.dictionary();
        int[][] rowsOf = new int[tokens.size()][];
        int[][] targetsOf = new int[tokens.size()][];
        BitSet trained = new BitSet();
        for (int i = 0; i < tokens.size(); i++) {
            rowsOf[i] = dict.inputRows(tokens.get(i), true);
            targetsOf[i] = labels.get(i).stream().mapToInt(dict::labelId).toArray();
            if (rowsOf[i].length > 0) {
                for (int t : targetsOf[i]) {
                    trained.set(t);
                }
            }
        }
        StagedOutput out = model.output().stage(trained.stream().toArray());
        if (out == null) {
            return null;
        }
        for (int i = 0; i < tokens.size(); i++) {
            if (rowsOf[i].length > 0) {
                for (int t : targetsOf[i]) {
                    out.prepareToTrain(t);
                }
            }
        }
        // The batch's input rows, copied into a compact table; each example's rows renumbered into it.
        int[] distinct = Arrays.stream(rowsOf).flatMapToInt(Arrays::stream).distinct().sorted().toArray();
        int d = model.dim();
        Tensor rows = Tensor.zeros(distinct.length, d);
        Tensor live = model.inputTable();
        live.backend().embedding().gatherRows(live, IndexTensor.wrap(distinct, distinct.length), rows);
        MemorySegment rs = rows.segment();
        Tensor h = Tensor.zeros(1, d), grad = Tensor.zeros(1, d), loss = Tensor.zeros(1);
        double lossSum = 0;
        int steps = 0;
        BitSet activate = new BitSet();
        for (int i = 0; i < tokens.size(); i++) {
            int[] global = rowsOf[i];
            if (global.length == 0) {
                continue;
            }
            int[] local = new int[global.length];
            for (int j = 0; j < global.length; j++) {
                local[j] = Arrays.binarySearch(distinct, global[j]);
                int w = dict.wordOfRow(global[j]);
                if (w >= 0) {
                    activate.set(w);
                }
            }
            for (int t : targetsOf[i]) {
                mean(rows, local, h);
                out.trainStep(h, t, lr, grad, loss);
                float a = -lr / local.length;
                for (int row : local) {
                    KERNELS.axpy(a, grad.segment(), grad.offset(), rs, rows.offset() + (long) row * d, d);
                }
                lossSum += loss.segment().getAtIndex(JAVA_FLOAT, loss.offset());
                steps++;
            }
        }
        Result result = new Result(steps == 0 ? 0 : lossSum / steps, steps, distinct, trained.stream().toArray(), dict.labelCount() - before);
        return new StagedUpdate(model, growth, distinct, rows, out, activate.stream().toArray(), result);
    }

    /** h = mean of {@code table}'s rows {@code rows}, summed in order as {@link TextClassifier#hidden} sums them (same bits). */
    private static void mean(Tensor table, int[] rows, Tensor h) {
        int d = table.size(1);
        MemorySegment out = h.segment();
        long off = h.offset();
        for (int i = 0; i < d; i++) {
            out.setAtIndex(JAVA_FLOAT, off + i, 0f);
        }
        for (int r : rows) {
            KERNELS.axpy(1f, table.segment(), table.offset() + (long) r * d, out, off, d);
        }
        float inv = 1f / rows.length;
        for (int i = 0; i < d; i++) {
            out.setAtIndex(JAVA_FLOAT, off + i, out.getAtIndex(JAVA_FLOAT, off + i) * inv);
        }
    }
}
