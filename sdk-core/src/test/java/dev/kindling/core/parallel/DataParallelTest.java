package dev.kindling.core.parallel;

import dev.kindling.core.device.DevicePool;
import dev.kindling.core.nn.Bags;
import dev.kindling.core.nn.ClassNLLCriterion;
import dev.kindling.core.nn.EmbeddingBag;
import dev.kindling.core.nn.Linear;
import dev.kindling.core.nn.LogSoftMax;
import dev.kindling.core.nn.Module;
import dev.kindling.core.nn.Parameter;
import dev.kindling.core.nn.Sequential;
import dev.kindling.core.nn.Tanh;
import dev.kindling.core.optim.Sgd;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class DataParallelTest {

    static final int IN = 7, HIDDEN = 9, CLASSES = 4;

    static Sequential<Tensor> mlp(long seed) {
        Random rng = new Random(seed);
        return Sequential.of(new Linear(IN, HIDDEN, true, rng), new Tanh(), new Linear(HIDDEN, CLASSES, true, rng), new LogSoftMax());
    }

    static Sequential<Bags> bagModel(long seed) {
        Random rng = new Random(seed);
        Sequential<Bags> s = new Sequential<>(new EmbeddingBag(50, 6, EmbeddingBag.Mode.MEAN, -1, rng));
        s.add(new Linear(6, CLASSES, true, rng));
        s.add(new LogSoftMax());
        return s;
    }

    /** k SGD steps of a single module on whole batches: the reference. */
    static <I> Module<I> trainSingle(Module<I> m, I[] inputs, IndexTensor[] targets, int steps) {
        ClassNLLCriterion crit = new ClassNLLCriterion();
        Sgd sgd = new Sgd(m.parameters(), 0.2f, 0.9f, 0f, 0f, false);
        for (int s = 0; s < steps; s++) {
            I x = inputs[s % inputs.length];
            IndexTensor t = targets[s % targets.length];
            m.zeroGradParameters();
            Tensor out = m.forward(x);
            crit.forward(out, t);
            m.backward(x, crit.backward(out, t));
            sgd.step();
        }
        return m;
    }

    static void assertParametersClose(Module<?> expected, Module<?> actual, double tol) {
        Map<String, Parameter> a = actual.namedParameters();
        expected.namedParameters().forEach((name, p) -> {
            float[] e = p.value().toArray(), g = a.get(name).value().toArray();
            for (int i = 0; i < e.length; i++) {
                assertEquals(e[i], g[i], tol * Math.max(1, Math.abs(e[i])), name + "[" + i + "]");
            }
        });
    }

    static void assertReplicasIdentical(DataParallel<?> dp) {
        for (int r = 1; r < dp.replicaCount(); r++) {
            Map<String, Parameter> other = dp.replica(r).namedParameters();
            int rr = r;
            dp.replica(0).namedParameters().forEach((name, p) ->
                    assertArrayEquals(p.value().toArray(), other.get(name).value().toArray(), "replica " + rr + " " + name));
        }
    }

    static Tensor[] batches(Random rng, int count, int batch) {
        Tensor[] xs = new Tensor[count];
        for (int i = 0; i < count; i++) {
            xs[i] = Tensor.randn(rng, 1f, batch, IN);
        }
        return xs;
    }

    static IndexTensor[] labels(Random rng, int count, int batch) {
        IndexTensor[] ts = new IndexTensor[count];
        for (int i = 0; i < count; i++) {
            int[] t = new int[batch];
            for (int j = 0; j < batch; j++) {
                t[j] = rng.nextInt(CLASSES);
            }
            ts[i] = IndexTensor.of(t);
        }
        return ts;
    }

    @Test
    void trainStepOverOneToFourDevicesMatchesASingleModule() {
        Random rng = new Random(3);
        int batch = 10, steps = 4;
        Tensor[] xs = batches(rng, steps, batch);
        IndexTensor[] ts = labels(rng, steps, batch);
        Module<Tensor> reference = trainSingle(mlp(11), xs, ts, steps);
        for (int devices = 1; devices <= 4; devices++) {
            try (DevicePool pool = DevicePool.cpu(devices)) {
                DataParallel<Tensor> dp = DataParallel.ofTensors(0, pool, mlp(11), () -> mlp(99)).setTimeout(Duration.ofSeconds(20));
                dp.setOptimizer(ps -> new Sgd(ps, 0.2f, 0.9f, 0f, 0f, false));
                ClassNLLCriterion crit = new ClassNLLCriterion();
                for (int s = 0; s < steps; s++) {
                    dp.zeroGradParameters();
                    float loss = dp.trainStep(xs[s], ts[s], crit);
                    assertTrue(Float.isFinite(loss));
                    dp.step();
                }
                assertReplicasIdentical(dp);
                for (int r = 0; r < devices; r++) {
                    assertParametersClose(reference, dp.replica(r), 2e-5);
                }
                if (devices > 1) {
                    assertTrue(dp.bytesExchanged() > 0);
                    assertTrue(pool.get(1).stats().bytesMoved() > 0);
                }
            }
        }
    }

    @Test
    void forwardAndBackwardMatchASingleModuleIncludingUnevenSplitsAndAccumulation() {
        Random rng = new Random(4);
        for (int devices : new int[]{2, 3, 4}) {
            for (int batch : new int[]{2, 5, 11}) {
                Tensor x = Tensor.randn(rng, 1f, batch, IN);
                Tensor g1 = Tensor.randn(rng, 1f, batch, CLASSES);
                Tensor g2 = Tensor.randn(rng, 1f, batch, CLASSES);
                Module<Tensor> single = mlp(21);
                Tensor yRef = single.forward(x);
                Tensor giRef = single.backward(x, g1);
                single.backward(x, g2);
                try (DevicePool pool = DevicePool.cpu(devices)) {
                    DataParallel<Tensor> dp = DataParallel.ofTensors(0, pool, mlp(21), () -> mlp(5)).setTimeout(Duration.ofSeconds(20));
                    Tensor y = dp.forward(x);
                    assertArrayEquals(yRef.shape(), y.shape());
                    assertClose(yRef.toArray(), y.toArray(), 1e-6);
                    Tensor gi = dp.backward(x, g1);
                    assertClose(giRef.toArray(), gi.toArray(), 1e-6);
                    dp.backward(x, g2); // accumulates, as the single module did
                    for (int r = 0; r < devices; r++) {
                        Map<String, Parameter> rp = dp.replica(r).namedParameters();
                        single.namedParameters().forEach((name, p) ->
                                assertClose(p.grad().toArray(), rp.get(name).grad().toArray(), 2e-5));
                    }
                }
            }
        }
    }

    @Test
    void rowSparseGradientsAreAllReducedAndReplicasStayEqual() {
        Random rng = new Random(8);
        int batch = 9, steps = 3;
        @SuppressWarnings("unchecked")
        Bags[] xs = new Bags[steps];
        for (int s = 0; s < steps; s++) {
            int[] ids = new int[batch * 3];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = rng.nextInt(50);
            }
            xs[s] = Bags.fixedLength(IndexTensor.of(ids, batch, 3));
        }
        IndexTensor[] ts = labels(rng, steps, batch);
        Module<Bags> reference = trainSingle(bagModel(31), xs, ts, steps);
        for (int devices = 1; devices <= 4; devices++) {
            try (DevicePool pool = DevicePool.cpu(devices)) {
                DataParallel<Bags> dp = DataParallel.ofBags(pool, bagModel(31), () -> bagModel(1)).setTimeout(Duration.ofSeconds(20));
                dp.setOptimizer(ps -> new Sgd(ps, 0.2f, 0.9f, 0f, 0f, false));
                for (int s = 0; s < steps; s++) {
                    dp.zeroGradParameters();
                    dp.trainStep(xs[s], ts[s], new ClassNLLCriterion());
                    if (devices > 1 && s == 0) {
                        Parameter w = dp.replica(devices - 1).namedParameters().get("0.weight");
                        assertTrue(w.sparseGrad() != null && w.sparseGrad().nnzRows() > 0);
                    }
                    dp.step();
                }
                assertReplicasIdentical(dp);
                assertParametersClose(reference, dp.replica(devices - 1), 2e-5);
            }
        }
    }

    @Test
    void sparseAllReduceSumsRowsOfEveryReplica() {
        try (DevicePool pool = DevicePool.cpu(3)) {
            AllReduce ar = new AllReduce(new ReplicaExecutor(pool.devices(), Duration.ofSeconds(10)));
            var parts = java.util.List.of(
                    rows(new int[]{0, 5, 9}, 10, 1f),
                    rows(new int[]{}, 10, 0f),
                    rows(new int[]{5, 6}, 10, 10f));
            var sums = ar.sumRows(parts);
            for (var s : sums) {
                assertArrayEquals(new int[]{0, 5, 6, 9}, s.rows().data());
                assertArrayEquals(new float[]{1, 1, 11, 11, 10, 10, 1, 1}, s.values().toArray());
            }
            assertTrue(ar.bytesExchanged() > 0);
        }
    }

    static dev.kindling.core.tensor.RowSparse rows(int[] ids, int total, float v) {
        Tensor values = Tensor.zeros(ids.length, 2);
        for (int i = 0; i < ids.length; i++) {
            values.set(v, i, 0);
            values.set(v, i, 1);
        }
        return new dev.kindling.core.tensor.RowSparse(IndexTensor.of(ids), values, total);
    }

    @Test
    void denseAllReduceGivesBitIdenticalSums() {
        Random rng = new Random(9);
        for (int n = 1; n <= 5; n++) {
            try (DevicePool pool = DevicePool.cpu(n)) {
                AllReduce ar = new AllReduce(new ReplicaExecutor(pool.devices(), Duration.ofSeconds(10)));
                int m = 13;
                double[] expect = new double[m];
                java.util.List<Tensor> bufs = new java.util.ArrayList<>();
                for (int i = 0; i < n; i++) {
                    Tensor t = Tensor.randn(rng, 1f, m);
                    float[] a = t.toArray();
                    for (int j = 0; j < m; j++) {
                        expect[j] += a[j];
                    }
                    bufs.add(t.to(pool.get(i).device()));
                }
                ar.sum(bufs);
                for (Tensor b : bufs) {
                    assertArrayEquals(bufs.get(0).toArray(), b.toArray());
                    float[] got = b.toArray();
                    for (int j = 0; j < m; j++) {
                        assertEquals(expect[j], got[j], 1e-5);
                    }
                }
                // ring traffic: each device receives 2(n-1) chunks of about m/n floats
                if (n > 1) {
                    assertEquals(2L * (n - 1) * m * Float.BYTES, ar.bytesExchanged());
                }
            }
        }
    }

    @Test
    void failingReplicaFailsTheStepWithItsCause() {
        try (DevicePool pool = DevicePool.cpu(3)) {
            DataParallel<Tensor> dp = DataParallel.ofTensors(0, pool, faulty(-1), () -> faulty(2)).setTimeout(Duration.ofSeconds(10));
            Tensor x = Tensor.randn(new Random(1), 1f, 6, IN);
            ReplicaFailureException e = assertThrows(ReplicaFailureException.class, () -> dp.forward(x));
            assertEquals(2, e.replica());
            assertEquals("forward", e.phase());
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertTrue(e.getMessage().contains("replica on cpu:2 is broken"), e.getMessage());
        }
    }

    @Test
    void stuckReplicaFailsTheStepAfterTheTimeoutInsteadOfHanging() {
        try (DevicePool pool = DevicePool.cpu(2)) {
            DataParallel<Tensor> dp = DataParallel.ofTensors(0, pool, stuck(-1), () -> stuck(1)).setTimeout(Duration.ofMillis(300));
            Tensor x = Tensor.randn(new Random(1), 1f, 4, IN);
            long t0 = System.nanoTime();
            ReplicaFailureException e = assertThrows(ReplicaFailureException.class, () -> dp.forward(x));
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
            assertEquals(1, e.replica());
            assertInstanceOf(TimeoutException.class, e.getCause());
        }
    }

    @Test
    void badConfigurationsGetClearErrors() {
        try (DevicePool pool = DevicePool.cpu(2)) {
            IllegalArgumentException shapes = assertThrows(IllegalArgumentException.class,
                    () -> DataParallel.ofTensors(0, pool, mlp(1), () -> Sequential.of(new Linear(IN, HIDDEN + 1, true, new Random()),
                            new Tanh(), new Linear(HIDDEN + 1, CLASSES, true, new Random()), new LogSoftMax())));
            assertTrue(shapes.getMessage().contains("0.weight") && shapes.getMessage().contains("shape"), shapes.getMessage());
            Sequential<Tensor> m = mlp(1);
            IllegalArgumentException same = assertThrows(IllegalArgumentException.class, () -> DataParallel.ofTensors(0, pool, m, () -> m));
            assertTrue(same.getMessage().contains("new module"), same.getMessage());
            IllegalArgumentException names = assertThrows(IllegalArgumentException.class,
                    () -> DataParallel.ofTensors(0, pool, mlp(1), () -> Sequential.of(new Linear(IN, CLASSES, true, new Random()))));
            assertTrue(names.getMessage().contains("names differ"), names.getMessage());
            assertThrows(IllegalArgumentException.class, () -> DataParallel.ofTensors(-1, pool, mlp(1), () -> mlp(2)));
            DataParallel<Tensor> dp = DataParallel.ofTensors(2, pool, mlp(1), () -> mlp(2));
            IllegalArgumentException dim = assertThrows(IllegalArgumentException.class, () -> dp.forward(Tensor.zeros(4, IN)));
            assertTrue(dim.getMessage().contains("dimension 2 out of range"), dim.getMessage());
            DataParallel<Tensor> ok = DataParallel.ofTensors(0, pool, mlp(1), () -> mlp(2));
            assertThrows(IllegalArgumentException.class, () -> ok.forward(Tensor.zeros(0, IN)));
            IllegalArgumentException targets = assertThrows(IllegalArgumentException.class,
                    () -> ok.trainStep(Tensor.zeros(4, IN), IndexTensor.of(0, 1), new ClassNLLCriterion()));
            assertTrue(targets.getMessage().contains("one class per example"), targets.getMessage());
            assertThrows(IllegalStateException.class, ok::step);
            IllegalArgumentException grad = assertThrows(IllegalArgumentException.class,
                    () -> ok.backward(Tensor.zeros(4, IN), Tensor.zeros(3, CLASSES)));
            assertTrue(grad.getMessage().contains("gradOutput"), grad.getMessage());
        }
    }

    /** A module that throws in forward when it lives on cpu:{@code badIndex}. */
    static Module<Tensor> faulty(int badIndex) {
        return new Module<>() {
            final Linear inner = registerChild("lin", new Linear(IN, CLASSES, true, new Random(1)));

            @Override
            public Tensor forward(Tensor input) {
                if (input.device().index() == badIndex) {
                    throw new IllegalStateException("replica on " + input.device() + " is broken");
                }
                return inner.forward(input);
            }

            @Override
            public Tensor backward(Tensor input, Tensor gradOutput) {
                return inner.backward(input, gradOutput);
            }
        };
    }

    /** A module that blocks (until interrupted) in forward when it lives on cpu:{@code stuckIndex}. */
    static Module<Tensor> stuck(int stuckIndex) {
        return new Module<>() {
            final Linear inner = registerChild("lin", new Linear(IN, CLASSES, true, new Random(1)));

            @Override
            public Tensor forward(Tensor input) {
                if (input.device().index() == stuckIndex) {
                    try {
                        Thread.sleep(30_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return inner.forward(input);
            }

            @Override
            public Tensor backward(Tensor input, Tensor gradOutput) {
                return inner.backward(input, gradOutput);
            }
        };
    }

    static void assertClose(float[] e, float[] a, double tol) {
        assertEquals(e.length, a.length);
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], tol * Math.max(1, Math.abs(e[i])), "at " + i + " of " + Arrays.toString(a));
        }
    }
}
