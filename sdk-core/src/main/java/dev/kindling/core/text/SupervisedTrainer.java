package dev.kindling.core.text;

import dev.kindling.core.backend.Backends;
import dev.kindling.core.backend.HostKernels;
import dev.kindling.core.backend.ThreadTrainer;
import dev.kindling.core.hsm.BinaryTreeSoftmax;
import dev.kindling.core.hsm.IndependentLogistic;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Lock-free multi-threaded SGD (Hogwild) for a {@link TextClassifier}, as fastText trains: every thread
 * walks the examples from its own starting point, one example at a time, and writes its updates
 * straight into the shared input table and output layer without locks; the learning rate decays
 * linearly from {@code lr} to 0 over {@code epoch} passes. An example with several labels trains on one
 * of them, drawn at random each time. The output layer is trained through each thread's own
 * {@link ThreadTrainer}, flushed when the thread finishes.
 */
public final class SupervisedTrainer {

    private static final HostKernels KERNELS = Backends.cpu().kernels();

    /**
     * How many examples a thread trains on its own copy of the two-level HSM's cluster layer before it publishes
     * its changes (see {@link dev.kindling.core.hsm.HierarchicalSoftmax#threadTrainer}). Every example writes all
     * cluster rows, so with the rows shared directly two threads ran no faster than one (WordNet -loss hsm, 2
     * threads on 2 cores: ~265k words/s/thread, against ~560k for one thread; ~400k with this copy alone). 32
     * keeps the staleness to a few dozen examples per thread with P@1 where it was (0.266–0.271); 8 published
     * too often to gain, 128 was only slightly faster and means staler weights with many threads.
     */
    static final int CLUSTER_PUBLISH_EVERY = 32;

    private SupervisedTrainer() {
    }

    /**
     * Builds the dictionary from the lines, initializes a model and trains it. For {@code -loss hs} with
     * {@code -tree semantic} the label tree is built from the same examples before training.
     */
    public static TextClassifier train(List<LabelledLines.Line> lines, TrainingArgs args, Consumer<TrainingProgress> progress) {
        return train(lines, args, null, progress);
    }

    /**
     * {@link #train(List, TrainingArgs, Consumer)} starting from pretrained word vectors ({@code -pretrainedVectors}):
     * as fastText, every pretrained word joins the dictionary (also those the training data lacks, so they are
     * known at prediction time) and starts from its vector; other rows start at random.
     */
    public static TextClassifier train(List<LabelledLines.Line> lines, TrainingArgs args, PretrainedVectors pretrained,
                                       Consumer<TrainingProgress> progress) {
        Dictionary dict = Dictionary.build(lines.stream().map(LabelledLines.Line::tokens)::iterator, args.label(), args.minCount(),
                args.minCountLabel(), TextFeatures.of(args));
        if (dict.labelCount() == 0) {
            throw new IllegalArgumentException("no labels in the training data (labels start with '" + args.label() + "')");
        }
        if (pretrained != null) {
            if (pretrained.dim() != args.dim()) {
                throw new IllegalArgumentException("the pretrained vectors have " + pretrained.dim() + " values but -dim is " + args.dim());
            }
            List<String> extra = pretrained.words().stream().filter(w -> dict.wordId(w) < 0 && !dict.isLabel(w)).toList();
            for (int id : dict.addWords(extra)) {
                dict.activate(id);
            }
        }
        Examples examples = Examples.of(dict, lines);
        TextClassifier model = args.loss() == TrainingArgs.Loss.HS && args.tree() == TrainingArgs.Tree.SEMANTIC
                ? TextClassifier.initialize(args, dict, BinaryTreeSoftmax.zeroInitialized(
                        LabelTreeBuilder.build(examples.rows(), examples.labels(), dict.labelFrequencies(), args.seed()), args.dim()))
                : TextClassifier.initialize(args, dict);
        if (pretrained != null) {
            Tensor in = model.inputTable();
            for (int i = 0; i < pretrained.words().size(); i++) {
                int id = dict.wordId(pretrained.words().get(i));
                if (id >= 0) {
                    MemorySegment.copy(pretrained.values(), i * args.dim(), in.segment(), JAVA_FLOAT,
                            (in.offset() + (long) dict.wordRow(id) * args.dim()) * Float.BYTES, args.dim());
                }
            }
        }
        fit(model, examples, args, progress);
        return model;
    }

    /**
     * Trains an existing model on the lines (fine-tuning, or training after words and labels were
     * added). Labels unknown to the model are ignored; lines left without a label are skipped. Words of
     * the lines that were inactive become active. Uses {@code args}' lr, epoch and thread count.
     */
    public static void fit(TextClassifier model, List<LabelledLines.Line> lines, TrainingArgs args, Consumer<TrainingProgress> progress) {
        fit(model, Examples.of(model.dictionary(), lines), args, progress);
    }

    private static void fit(TextClassifier model, Examples examples, TrainingArgs args, Consumer<TrainingProgress> progress) {
        Dictionary dict = model.dictionary();
        for (int[] rs : examples.rows()) {
            for (int r : rs) {
                int w = dict.wordOfRow(r);
                if (w >= 0) {
                    dict.activate(w);
                }
            }
        }
        new Run(model, examples.rows(), examples.labels(), examples.tokens(), examples.totalTokens(), args).execute(progress);
    }

    /** The usable lines as input rows, known label ids and token counts (lines without either are dropped). */
    private record Examples(int[][] rows, int[][] labels, int[] tokens, long totalTokens) {

        static Examples of(Dictionary dict, List<LabelledLines.Line> lines) {
            List<int[]> rows = new ArrayList<>(lines.size());
            List<int[]> labels = new ArrayList<>(lines.size());
            int[] tokens = new int[lines.size()];
            long totalTokens = 0;
            for (LabelledLines.Line line : lines) {
                int[] ls = Arrays.stream(dict.labelIds(line.tokens())).filter(id -> id >= 0).toArray();
                int[] rs = dict.inputRows(line.tokens(), true);
                if (ls.length == 0 || rs.length == 0) {
                    continue;
                }
                tokens[rows.size()] = line.tokens().size();
                totalTokens += line.tokens().size();
                rows.add(rs);
                labels.add(ls);
            }
            if (rows.isEmpty()) {
                throw new IllegalArgumentException("no usable training example: every line lacks a known label or any input feature");
            }
            return new Examples(rows.toArray(int[][]::new), labels.toArray(int[][]::new), Arrays.copyOf(tokens, rows.size()),
                    totalTokens);
        }
    }

    /** One training run: the shared state of the worker threads. */
    private static final class Run {
        private final TextClassifier model;
        private final int[][] rows;
        private final int[][] labels;
        private final int[] tokens;
        private final TrainingArgs args;
        private final long plannedTokens;
        private final AtomicLong processed = new AtomicLong();
        private final double[] lossSum;
        private final long[] lossCount;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Run(TextClassifier model, int[][] rows, int[][] labels, int[] tokens, long totalTokens, TrainingArgs args) {
            this.model = model;
            this.rows = rows;
            this.labels = labels;
            this.tokens = tokens;
            this.args = args;
            this.plannedTokens = totalTokens * args.epoch();
            this.lossSum = new double[args.thread()];
            this.lossCount = new long[args.thread()];
        }

        float currentLr() {
            double p = Math.min(1.0, processed.get() / (double) plannedTokens);
            return (float) (args.lr() * (1.0 - p));
        }

        void execute(Consumer<TrainingProgress> progress) {
            int n = args.thread();
            List<Thread> threads = new ArrayList<>(n);
            long start = System.nanoTime();
            for (int t = 0; t < n; t++) {
                int id = t;
                threads.add(Thread.ofPlatform().name("kindling-train-" + t).start(() -> {
                    try {
                        work(id);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            try {
                for (Thread th : threads) {
                    while (th.isAlive()) {
                        th.join(100);
                        if (progress != null) {
                            progress.accept(snapshot(start, false));
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("training interrupted", e);
            }
            if (failure.get() != null) {
                throw new IllegalStateException("a training thread failed: " + failure.get(), failure.get());
            }
            if (progress != null) {
                progress.accept(snapshot(start, true));
            }
        }

        TrainingProgress snapshot(long start, boolean done) {
            double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
            long p = Math.min(processed.get(), plannedTokens);
            double frac = done ? 1.0 : p / (double) plannedTokens;
            double loss = 0;
            long count = 0;
            for (int t = 0; t < lossSum.length; t++) {
                loss += lossSum[t];
                count += lossCount[t];
            }
            double wst = p / seconds / args.thread();
            long eta = done || frac <= 0 ? 0 : (long) (seconds * (1 - frac) / frac);
            return new TrainingProgress(frac, wst, done ? 0 : currentLr(), count == 0 ? 0 : loss / count, eta);
        }

        void work(int threadId) {
            int d = model.dim();
            ThreadTrainer trainer = model.output().threadTrainer(CLUSTER_PUBLISH_EVERY);
            // One-vs-all trains all of an example's labels at once (as fastText), not one drawn label.
            IndependentLogistic allLabels = model.output() instanceof IndependentLogistic l
                    && l.training() == IndependentLogistic.Training.ONE_VS_ALL ? l : null;
            Tensor in = model.inputTable();
            MemorySegment ins = in.segment();
            long inOff = in.offset();
            Tensor h = Tensor.zeros(1, d), grad = Tensor.zeros(1, d), loss = Tensor.zeros(1);
            MemorySegment hs = h.segment(), gs = grad.segment();
            int[] target = new int[1];
            IndexTensor targetIds = IndexTensor.wrap(target, 1);   // this thread's own array, rewritten per example
            SplittableRandom rng = new SplittableRandom(args.seed() * 1_000_003L + threadId);
            long budget = plannedTokens / args.thread();
            long done = 0, sinceUpdate = 0;
            int i = (int) ((long) rows.length * threadId / args.thread());
            float lr = currentLr();
            double localLoss = 0;
            long localCount = 0;
            while (done < budget) {
                int[] r = rows[i];
                int[] ls = labels[i];
                model.hidden(r, hs, 0);
                if (allLabels != null) {
                    loss.segment().setAtIndex(JAVA_FLOAT, 0, allLabels.trainLabels(hs, 0, ls, lr, gs, 0, rng));
                } else {
                    target[0] = ls.length == 1 ? ls[0] : ls[rng.nextInt(ls.length)];
                    trainer.step(h, targetIds, lr, grad, loss);
                }
                float a = -lr / r.length;
                for (int row : r) {
                    KERNELS.axpy(a, gs, 0, ins, inOff + (long) row * d, d);
                }
                localLoss += loss.segment().getAtIndex(JAVA_FLOAT, 0);
                localCount++;
                done += tokens[i];
                sinceUpdate += tokens[i];
                if (sinceUpdate >= args.lrUpdateRate()) {
                    processed.addAndGet(sinceUpdate);
                    sinceUpdate = 0;
                    lr = currentLr();
                    lossSum[threadId] = localLoss;
                    lossCount[threadId] = localCount;
                }
                if (++i == rows.length) {
                    i = 0;
                }
            }
            trainer.flush();
            processed.addAndGet(sinceUpdate);
            lossSum[threadId] = localLoss;
            lossCount[threadId] = localCount;
        }
    }
}
