package dev.kindling.bench.onebit;

import dev.kindling.core.backend.QuantizationAxis;
import dev.kindling.core.device.DevicePool;
import dev.kindling.core.nn.ClassNLLCriterion;
import dev.kindling.core.nn.Linear;
import dev.kindling.core.nn.LogSoftMax;
import dev.kindling.core.nn.Module;
import dev.kindling.core.nn.ReLU;
import dev.kindling.core.nn.Sequential;
import dev.kindling.core.onebit.OneBitConfig;
import dev.kindling.core.onebit.OneBitDataParallel;
import dev.kindling.core.onebit.Smoothing;
import dev.kindling.core.optim.Sgd;
import dev.kindling.core.parallel.DataParallel;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;

import java.time.Duration;
import java.util.Locale;
import java.util.Random;

/**
 * Side-by-side training of the same MLP on real text with full-precision and with 1-bit data parallelism:
 * classify a WordNet 3.1 synset's lexicographer file (45 classes) from the hashed bag of words of its
 * gloss. Both runs use the same data order, initial weights, optimizer and number of replicas; the report
 * gives both held-out losses and the gradient bytes each exchanged.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * dev.kindling.bench.onebit.OneBitWordNetComparison [replicas] [epochs] [trainExamples] [learningRate] [momentum] [PER_ROW|PER_COLUMN]}
 */
public final class OneBitWordNetComparison {

    static final int FEATURES = Integer.getInteger("features", 2048), HIDDEN = Integer.getInteger("hidden", 512), BATCH = 256, TEST = 10_000;
    static final float LEARNING_RATE = 1f;
    static final float MOMENTUM = 0.9f;

    public static void main(String[] args) throws Exception {
        int replicas = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int trainSize = args.length > 2 ? Integer.parseInt(args[2]) : 60_000;
        float lr = args.length > 3 ? Float.parseFloat(args[3]) : LEARNING_RATE;
        float momentum = args.length > 4 ? Float.parseFloat(args[4]) : MOMENTUM;
        QuantizationAxis axis = args.length > 5 ? QuantizationAxis.valueOf(args[5]) : QuantizationAxis.PER_COLUMN;
        WordNetGlosses data = WordNetGlosses.load();
        int[] order = shuffled(data.size(), 1);
        int train = Math.min(trainSize, data.size() - TEST);
        System.out.printf(Locale.ROOT, "WordNet 3.1: %d synsets with glosses, %d classes; train %d, held out %d; %d replicas, %d epochs, lr %s, momentum %s, %s%n",
                data.size(), WordNetGlosses.CLASSES, train, TEST, replicas, epochs, lr, momentum, axis);

        Result fp;
        Result ob;
        try (DevicePool pool = DevicePool.cpu(replicas)) {
            fp = run("full precision", DataParallel.ofTensors(0, pool, mlp(7), () -> mlp(8)), data, order, train, epochs, lr, momentum);
            // 1-bit: the momentum is applied where fbcunn's aggregator applied it, to the combined gradient before
            // it is re-quantized (Smoothing.momentum), so quantization noise is not amplified by the momentum
            // buffer; the update is the same SGD-with-momentum rule as the full-precision run's.
            boolean aggregatorMomentum = !Boolean.getBoolean("optimizerMomentum");
            OneBitDataParallel<Tensor> oneBit = OneBitDataParallel.ofTensors(0, pool, mlp(7), () -> mlp(8),
                    new OneBitConfig(axis, OneBitConfig.DEFAULT_MIN_ELEMENTS,
                            aggregatorMomentum ? Smoothing.momentum(momentum) : Smoothing.none()));
            ob = run("1-bit", oneBit, data, order, train, epochs, lr, aggregatorMomentum ? 0f : momentum);
            System.out.printf(Locale.ROOT, "1-bit bytes: %d quantized + %d full precision (biases)%n", oneBit.quantizedBytes(),
                    oneBit.fullPrecisionBytes());
            pool.stats().forEach(s -> System.out.println("  " + s));
        }
        double lossGap = (ob.testLoss - fp.testLoss) / fp.testLoss;
        double ratio = (double) fp.bytes / ob.bytes;
        System.out.printf(Locale.ROOT, "%nheld-out loss: full precision %.4f, 1-bit %.4f (%+.2f%%)%n", fp.testLoss, ob.testLoss, 100 * lossGap);
        System.out.printf(Locale.ROOT, "held-out accuracy: full precision %.2f%%, 1-bit %.2f%%%n", 100 * fp.testAccuracy, 100 * ob.testAccuracy);
        System.out.printf(Locale.ROOT, "gradient bytes exchanged: full precision %d, 1-bit %d: %.1fx fewer%n", fp.bytes, ob.bytes, ratio);
        System.out.printf(Locale.ROOT, "time: full precision %.1f s, 1-bit %.1f s%n", fp.seconds, ob.seconds);
        System.out.println(Math.abs(lossGap) <= 0.02 && ratio >= 25 ? "PASS: within 2% of the full-precision loss with >= 25x fewer bytes"
                : "FAIL: target is within 2% of the full-precision loss with >= 25x fewer bytes");
    }

    record Result(double testLoss, double testAccuracy, long bytes, double seconds) {
    }

    static Sequential<Tensor> mlp(long seed) {
        Random rng = new Random(seed);
        return Sequential.of(new Linear(FEATURES, HIDDEN, true, rng), new ReLU(), new Linear(HIDDEN, WordNetGlosses.CLASSES, true, rng),
                new LogSoftMax());
    }

    static Result run(String name, DataParallel<Tensor> dp, WordNetGlosses data, int[] order, int train, int epochs, float lr, float momentum) {
        dp.setOptimizer(ps -> new Sgd(ps, lr, momentum, 0f, 0f, false)).setTimeout(Duration.ofMinutes(2));
        ClassNLLCriterion crit = new ClassNLLCriterion();
        long t0 = System.nanoTime();
        int stepsPerEpoch = train / BATCH, totalSteps = epochs * stepsPerEpoch, step = 0;
        for (int e = 0; e < epochs; e++) {
            double sum = 0;
            int batches = 0;
            for (int start = 0; start + BATCH <= train; start += BATCH) {
                Tensor x = features(data, order, start, BATCH);
                IndexTensor y = labels(data, order, start, BATCH);
                // linear learning-rate decay to zero, the same schedule for both runs
                float rate = lr * (1f - (float) step++ / totalSteps);
                dp.optimizers().forEach(o -> ((Sgd) o).setLearningRate(rate));
                dp.zeroGradParameters();
                sum += dp.trainStep(x, y, crit);
                dp.step();
                batches++;
            }
            System.out.printf(Locale.ROOT, "%-15s epoch %d: train loss %.4f, %d bytes exchanged so far%n", name, e + 1, sum / batches,
                    dp.bytesExchanged());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Module<Tensor> model = dp.replica(0).eval();
        double loss = 0;
        int correct = 0;
        int testStart = order.length - TEST;
        for (int start = testStart; start < order.length; start += BATCH) {
            int n = Math.min(BATCH, order.length - start);
            Tensor out = model.forward(features(data, order, start, n));
            IndexTensor y = labels(data, order, start, n);
            loss += crit.forward(out, y) * n;
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int c = 1; c < WordNetGlosses.CLASSES; c++) {
                    if (out.get(i, c) > out.get(i, best)) {
                        best = c;
                    }
                }
                correct += best == y.get(i) ? 1 : 0;
            }
        }
        model.train();
        return new Result(loss / TEST, (double) correct / TEST, dp.bytesExchanged(), seconds);
    }

    /** L2-normalized hashed bag of words of the glosses of examples order[start .. start + n). */
    static Tensor features(WordNetGlosses data, int[] order, int start, int n) {
        float[] x = new float[n * FEATURES];
        for (int i = 0; i < n; i++) {
            String[] words = data.glosses().get(order[start + i]).split("[^a-z]+");
            int base = i * FEATURES;
            for (String w : words) {
                if (!w.isEmpty()) {
                    x[base + Math.floorMod(w.hashCode() * 0x9E3779B9, FEATURES)] += 1f;
                }
            }
            double norm = 0;
            for (int j = 0; j < FEATURES; j++) {
                norm += x[base + j] * x[base + j];
            }
            float inv = norm == 0 ? 0f : (float) (1 / Math.sqrt(norm));
            for (int j = 0; j < FEATURES; j++) {
                x[base + j] *= inv;
            }
        }
        return Tensor.wrap(x, n, FEATURES);
    }

    static IndexTensor labels(WordNetGlosses data, int[] order, int start, int n) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = data.lexFile()[order[start + i]];
        }
        return IndexTensor.wrap(y, n);
    }

    static int[] shuffled(int n, long seed) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        Random rng = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
