package dev.kindling.core.onebit;

import dev.kindling.core.backend.QuantizationAxis;
import dev.kindling.core.device.DevicePool;
import dev.kindling.core.nn.Bags;
import dev.kindling.core.nn.ClassNLLCriterion;
import dev.kindling.core.nn.Linear;
import dev.kindling.core.nn.LogSoftMax;
import dev.kindling.core.nn.Module;
import dev.kindling.core.nn.Parameter;
import dev.kindling.core.nn.ReLU;
import dev.kindling.core.nn.Sequential;
import dev.kindling.core.optim.Sgd;
import dev.kindling.core.parallel.DataParallel;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class OneBitDataParallelTest {

    static final int IN = 64, HIDDEN = 32, CLASSES = 5;

    static Sequential<Tensor> mlp(long seed) {
        Random rng = new Random(seed);
        return Sequential.of(new Linear(IN, HIDDEN, true, rng), new ReLU(), new Linear(HIDDEN, CLASSES, true, rng), new LogSoftMax());
    }

    /** A learnable synthetic task: the class is the argmax of a fixed random projection of the input. */
    static final class Task {
        final Tensor[] xs;
        final IndexTensor[] ys;

        Task(long seed, int batches, int batch) {
            Random rng = new Random(seed);
            Tensor proj = Tensor.randn(rng, 1f, CLASSES, IN);
            xs = new Tensor[batches];
            ys = new IndexTensor[batches];
            for (int b = 0; b < batches; b++) {
                xs[b] = Tensor.randn(rng, 1f, batch, IN);
                int[] y = new int[batch];
                for (int i = 0; i < batch; i++) {
                    double best = -1e9;
                    for (int c = 0; c < CLASSES; c++) {
                        double s = 0;
                        for (int j = 0; j < IN; j++) {
                            s += proj.get(c, j) * xs[b].get(i, j);
                        }
                        if (s > best) {
                            best = s;
                            y[i] = c;
                        }
                    }
                }
                ys[b] = IndexTensor.of(y);
            }
        }
    }

    static float train(DataParallel<Tensor> dp, Task task, int epochs) {
        dp.setOptimizer(ps -> new Sgd(ps, 0.1f, 0.9f, 0f, 0f, false)).setTimeout(Duration.ofSeconds(30));
        ClassNLLCriterion crit = new ClassNLLCriterion();
        float last = 0;
        for (int e = 0; e < epochs; e++) {
            double sum = 0;
            for (int b = 0; b < task.xs.length; b++) {
                dp.zeroGradParameters();
                sum += dp.trainStep(task.xs[b], task.ys[b], crit);
                dp.step();
            }
            last = (float) (sum / task.xs.length);
        }
        return last;
    }

    static void assertReplicasIdentical(DataParallel<?> dp) {
        for (int r = 1; r < dp.replicaCount(); r++) {
            Map<String, Parameter> other = dp.replica(r).namedParameters();
            dp.replica(0).namedParameters().forEach((name, p) ->
                    assertArrayEquals(p.value().toArray(), other.get(name).value().toArray(), name));
        }
    }

    @Test
    void replicasStayIdenticalForEveryAxisSmoothingAndDeviceCount() {
        Task task = new Task(1, 3, 13);
        for (int devices = 1; devices <= 4; devices++) {
            for (QuantizationAxis axis : QuantizationAxis.values()) {
                for (Smoothing s : new Smoothing[]{Smoothing.none(), Smoothing.momentum(0.5f), Smoothing.adagradThenMomentum(0.05f, 0.5f)}) {
                    try (DevicePool pool = DevicePool.cpu(devices)) {
                        OneBitDataParallel<Tensor> dp = OneBitDataParallel.ofTensors(0, pool, mlp(3), () -> mlp(4),
                                new OneBitConfig(axis, 100, s));
                        float loss = train(dp, task, 2);
                        assertTrue(Float.isFinite(loss));
                        assertReplicasIdentical(dp);
                        assertTrue(dp.quantizedBytes() > 0 || devices == 1);
                    }
                }
            }
        }
    }

    @Test
    void everythingInFullPrecisionEqualsDataParallel() {
        Task task = new Task(2, 3, 10);
        try (DevicePool pool = DevicePool.cpu(3)) {
            DataParallel<Tensor> fp = DataParallel.ofTensors(0, pool, mlp(5), () -> mlp(6));
            train(fp, task, 2);
            OneBitDataParallel<Tensor> ob = OneBitDataParallel.ofTensors(0, pool, mlp(5), () -> mlp(6),
                    new OneBitConfig(QuantizationAxis.PER_ROW, Integer.MAX_VALUE, Smoothing.none()));
            train(ob, task, 2);
            assertEquals(0, ob.quantizedBytes());
            assertEquals(fp.bytesExchanged(), ob.fullPrecisionBytes());
            Map<String, Parameter> got = ob.replica(2).namedParameters();
            fp.replica(2).namedParameters().forEach((name, p) -> assertArrayEquals(p.value().toArray(), got.get(name).value().toArray(), name));
        }
    }

    @Test
    void oneBitTrainingTracksFullPrecisionWithFarFewerBytes() {
        Task task = new Task(3, 12, 32);
        try (DevicePool pool = DevicePool.cpu(4)) {
            DataParallel<Tensor> fp = DataParallel.ofTensors(0, pool, mlp(7), () -> mlp(8));
            float fpLoss = train(fp, task, 6);
            OneBitDataParallel<Tensor> ob = OneBitDataParallel.ofTensors(0, pool, mlp(7), () -> mlp(8),
                    new OneBitConfig(QuantizationAxis.PER_ROW, 1024, Smoothing.none()));
            float obLoss = train(ob, task, 6);
            float initial = new ClassNLLCriterion().forward(mlp(7).forward(task.xs[0]), task.ys[0]);
            assertTrue(fpLoss < 0.6 * initial, "full precision learns: " + initial + " -> " + fpLoss);
            assertTrue(obLoss < 0.6 * initial, "1-bit learns: " + initial + " -> " + obLoss);
            assertTrue(Math.abs(obLoss - fpLoss) < 0.25 * fpLoss + 0.05, "1-bit " + obLoss + " vs full precision " + fpLoss);
            // the 64-wide first layer is quantized (2048 entries); the 32 x 5 second layer and biases are not
            double ratio = (double) fp.bytesExchanged() / ob.bytesExchanged();
            assertTrue(ratio > 3, "fewer bytes: " + fp.bytesExchanged() + " vs " + ob.bytesExchanged());
        }
    }

    @Test
    void wideLayersCompressMoreThan25Times() {
        Random rng = new Random(4);
        Tensor x = Tensor.randn(rng, 1f, 16, 512);
        Tensor g = Tensor.randn(rng, 1f, 16, 32);
        try (DevicePool pool = DevicePool.cpu(4)) {
            DataParallel<Tensor> fp = DataParallel.ofTensors(0, pool, new Linear(512, 32, true, new Random(1)),
                    () -> new Linear(512, 32, true, new Random(2)));
            OneBitDataParallel<Tensor> ob = OneBitDataParallel.ofTensors(0, pool, new Linear(512, 32, true, new Random(1)),
                    () -> new Linear(512, 32, true, new Random(2)), OneBitConfig.defaults());
            for (DataParallel<Tensor> dp : new DataParallel[]{fp, ob}) {
                dp.forward(x);
                dp.backward(x, g);
            }
            // full precision ring: 2(n-1) chunks of n-th parts = 6 x (16384 + 32) floats
            assertEquals(6L * (16384 + 32) * 4, fp.bytesExchanged());
            // 1-bit: 6 blocks of 8 rows x 512 bits + 2 x 8 floats each way, bias ring as above
            assertEquals(6L * 4 * (8 * 512 / 32 * 4 + 16 * 4), ob.quantizedBytes());
            assertEquals(6L * 32 * 4, ob.fullPrecisionBytes());
            double ratio = (double) fp.bytesExchanged() / ob.bytesExchanged();
            assertTrue(ratio >= 25, "compression " + ratio);
            assertReplicasIdentical(ob);
            // the combined gradient has the right signs where the true gradient is large
            Linear ref = new Linear(512, 32, true, new Random(1));
            ref.backward(x, g);
            float[] truth = ref.weight().grad().toArray();
            float[] got = ob.replica(3).namedParameters().get("weight").grad().toArray();
            int agree = 0, large = 0;
            for (int i = 0; i < truth.length; i++) {
                if (Math.abs(truth[i]) > 4) {
                    large++;
                    agree += Math.signum(truth[i]) == Math.signum(got[i]) ? 1 : 0;
                }
            }
            assertTrue(large > 100 && agree > 0.9 * large, agree + " of " + large);
        }
    }

    @Test
    void rowSparseGradientsTravelInFullPrecision() {
        Random rng = new Random(5);
        int[] ids = new int[30];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rng.nextInt(40);
        }
        Bags bags = Bags.fixedLength(IndexTensor.of(ids, 10, 3));
        IndexTensor y = IndexTensor.of(0, 1, 2, 3, 4, 0, 1, 2, 3, 4);
        try (DevicePool pool = DevicePool.cpu(3)) {
            OneBitDataParallel<Bags> dp = OneBitDataParallel.ofBags(pool, bagModel(1), () -> bagModel(2),
                    new OneBitConfig(QuantizationAxis.PER_COLUMN, 64, Smoothing.none()));
            dp.setOptimizer(ps -> new Sgd(ps, 0.1f)).setTimeout(Duration.ofSeconds(30));
            for (int s = 0; s < 3; s++) {
                dp.zeroGradParameters();
                dp.trainStep(bags, y, new ClassNLLCriterion());
                dp.step();
            }
            assertReplicasIdentical(dp);
            assertTrue(dp.quantizedBytes() > 0 && dp.fullPrecisionBytes() > 0);
        }
    }

    static Module<Bags> bagModel(long seed) {
        Random rng = new Random(seed);
        Sequential<Bags> s = new Sequential<>(new dev.kindling.core.nn.EmbeddingBag(40, 16, dev.kindling.core.nn.EmbeddingBag.Mode.SUM, -1, rng));
        s.add(new Linear(16, CLASSES, true, rng));
        s.add(new LogSoftMax());
        return s;
    }

    @Test
    void badConfigurationsGetClearErrors() {
        try (DevicePool pool = DevicePool.cpu(2)) {
            assertThrows(IllegalArgumentException.class, () -> OneBitDataParallel.ofTensors(0, pool, mlp(1), () -> mlp(2), null));
            assertThrows(IllegalArgumentException.class, () -> OneBitDataParallel.ofTensors(0, pool, mlp(1),
                    () -> Sequential.of(new Linear(IN, HIDDEN, true, new Random()), new ReLU(), new Linear(HIDDEN, CLASSES + 1, true, new Random()),
                            new LogSoftMax()), OneBitConfig.defaults()));
            assertThrows(IllegalArgumentException.class, () -> new OneBitConfig(null, 10, Smoothing.none()));
            assertThrows(IllegalArgumentException.class, () -> new OneBitConfig(QuantizationAxis.PER_ROW, 10, null));
        }
    }
}
