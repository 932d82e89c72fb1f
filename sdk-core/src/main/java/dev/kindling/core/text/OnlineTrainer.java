package dev.kindling.core.text;

import dev.kindling.core.backend.cpu.CpuKernels;
import dev.kindling.core.hsm.IndependentLogistic;
import dev.kindling.core.hsm.OutputLayer;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
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

    private static final CpuKernels KERNELS = CpuKernels.preferred();

    /** Mean loss of the steps taken, how many, and the input rows they changed (ascending, distinct). */
    public record Result(double meanLoss, int steps, int[] touchedRows, int labelsAdded) {
    }

    private OnlineTrainer() {
    }

    /**
     * Trains {@code examples}: each is its tokens (without labels) and its labels (with the model's label
     * prefix). Examples without any input feature are skipped.
     */
    public static Result train(TextClassifier model, List<List<String>> tokens, List<List<String>> labels, float lr) {
        if (tokens.size() != labels.size()) {
            throw new IllegalArgumentException(tokens.size() + " token lists but " + labels.size() + " label lists");
        }
        if (!(lr > 0) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a positive finite number, got " + lr);
        }
        Dictionary dict = model.dictionary();
        int before = dict.labelCount();
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
        OutputLayer out = model.output();
        if (!newLabels.isEmpty()) {
            model.addLabels(newLabels);
        }
        for (List<String> ls : labels) {
            for (String l : ls) {
                out.prepareToTrain(dict.labelId(l));
            }
        }
        int d = model.dim();
        Tensor in;
        if (!newWords.isEmpty()) {
            int[] ids = model.addWords(newWords);
            in = model.inputTable();
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
        in = model.inputTable();
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
        return new Result(steps == 0 ? 0 : lossSum / steps, steps, distinct, dict.labelCount() - before);
    }
}
