package dev.kindling.core.parallel;

import dev.kindling.core.device.DevicePool;
import dev.kindling.core.nn.Concat;
import dev.kindling.core.nn.Linear;
import dev.kindling.core.nn.Module;
import dev.kindling.core.nn.Parameter;
import dev.kindling.core.nn.Sequential;
import dev.kindling.core.nn.Tanh;
import dev.kindling.core.optim.Sgd;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.testing.GradCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class ModelParallelTest {

    static final int IN = 5;
    static final int[] OUT = {3, 4, 2};

    static Module<Tensor> child(int i, long seed) {
        Random rng = new Random(seed + i);
        return Sequential.of(new Linear(IN, 6, true, rng), new Tanh(), new Linear(6, OUT[i], true, rng));
    }

    static Concat concat(long seed) {
        Concat c = new Concat(1);
        for (int i = 0; i < OUT.length; i++) {
            c.add(child(i, seed));
        }
        return c;
    }

    static ModelParallel modelParallel(DevicePool pool, long seed) {
        ModelParallel mp = new ModelParallel(1, pool).setTimeout(Duration.ofSeconds(20));
        for (int i = 0; i < OUT.length; i++) {
            mp.add(child(i, seed));
        }
        return mp;
    }

    @Test
    void concatForwardMatchesTheChildrenSideBySide() {
        Random rng = new Random(1);
        Tensor x = Tensor.randn(rng, 1f, 4, IN);
        Concat c = concat(7);
        Tensor y = c.forward(x);
        assertArrayEquals(new int[]{4, 9}, y.shape());
        int col = 0;
        for (int i = 0; i < OUT.length; i++) {
            Tensor yi = child(i, 7).forward(x);
            for (int b = 0; b < 4; b++) {
                for (int j = 0; j < OUT[i]; j++) {
                    assertEquals(yi.get(b, j), y.get(b, col + j), 0f);
                }
            }
            col += OUT[i];
        }
        // along dimension 0: rows of each child one after the other
        Concat rows = new Concat(0).add(child(0, 7)).add(child(0, 8));
        Tensor r = rows.forward(x);
        assertArrayEquals(new int[]{8, 3}, r.shape());
        assertArrayEquals(child(0, 8).forward(x).toArray(), r.narrow(4, 4).copy().toArray());
    }

    @Test
    void concatAndModelParallelBackwardMatchFiniteDifferences() {
        Random rng = new Random(2);
        GradCheck.check(concat(3), Tensor.randn(rng, 1f, 3, IN), 4);
        try (DevicePool pool = DevicePool.cpu(3)) {
            GradCheck.check(modelParallel(pool, 3), Tensor.randn(rng, 1f, 3, IN), 5);
        }
    }

    @Test
    void modelParallelOverOneToFourDevicesMatchesConcatAfterSteps() {
        Random rng = new Random(3);
        Tensor[] xs = new Tensor[3];
        Tensor[] gs = new Tensor[3];
        for (int s = 0; s < 3; s++) {
            xs[s] = Tensor.randn(rng, 1f, 6, IN);
            gs[s] = Tensor.randn(rng, 1f, 6, 9);
        }
        Concat ref = concat(11);
        Sgd refOpt = new Sgd(ref.parameters(), 0.1f, 0.9f, 0f, 0f, false);
        Tensor[] refGradIn = new Tensor[3];
        Tensor[] refOut = new Tensor[3];
        for (int s = 0; s < 3; s++) {
            ref.zeroGradParameters();
            refOut[s] = ref.forward(xs[s]);
            refGradIn[s] = ref.backward(xs[s], gs[s]);
            refOpt.step();
        }
        for (int devices = 1; devices <= 4; devices++) {
            try (DevicePool pool = DevicePool.cpu(devices)) {
                ModelParallel mp = modelParallel(pool, 11);
                assertEquals(new Device("cpu", 2 % devices), mp.deviceOf(2));
                Sgd opt = new Sgd(mp.parameters(), 0.1f, 0.9f, 0f, 0f, false);
                for (int s = 0; s < 3; s++) {
                    mp.zeroGradParameters();
                    Tensor y = mp.forward(xs[s]);
                    assertEquals(Device.CPU, y.device());
                    assertArrayEquals(refOut[s].toArray(), y.toArray(), "devices " + devices + " step " + s);
                    assertArrayEquals(refGradIn[s].toArray(), mp.backward(xs[s], gs[s]).toArray());
                    opt.step();
                }
                Map<String, Parameter> got = mp.namedParameters();
                ref.namedParameters().forEach((name, p) -> assertArrayEquals(p.value().toArray(), got.get(name).value().toArray(), name));
                if (devices > 1) {
                    assertTrue(pool.get(1).stats().bytesMoved() > 0, "inputs were copied to cpu:1");
                }
            }
        }
    }

    @Test
    void failingChildFailsTheCallWithItsCause() {
        try (DevicePool pool = DevicePool.cpu(2)) {
            ModelParallel mp = new ModelParallel(1, pool).setTimeout(Duration.ofSeconds(10));
            mp.add(DataParallelTest.faulty(-1));
            mp.add(DataParallelTest.faulty(1));
            ReplicaFailureException e = assertThrows(ReplicaFailureException.class, () -> mp.forward(Tensor.zeros(2, DataParallelTest.IN)));
            assertEquals(1, e.replica());
            assertInstanceOf(IllegalStateException.class, e.getCause());
        }
    }

    @Test
    void badConfigurationsGetClearErrors() {
        try (DevicePool pool = DevicePool.cpu(2)) {
            assertThrows(IllegalArgumentException.class, () -> new ModelParallel(-1, pool));
            assertThrows(IllegalArgumentException.class, () -> new Concat(-1));
            assertThrows(IllegalStateException.class, () -> new ModelParallel(1, pool).forward(Tensor.zeros(2, IN)));
            ModelParallel mp = new ModelParallel(2, pool).add(child(0, 1));
            IllegalArgumentException dim = assertThrows(IllegalArgumentException.class, () -> mp.forward(Tensor.zeros(2, IN)));
            assertTrue(dim.getMessage().contains("dimension 2 out of range"), dim.getMessage());
            Concat c = new Concat(1).add(child(0, 1));
            IllegalArgumentException g = assertThrows(IllegalArgumentException.class,
                    () -> c.backward(Tensor.zeros(2, IN), Tensor.zeros(2, 5)));
            assertTrue(g.getMessage().contains("gradOutput"), g.getMessage());
            try (DevicePool other = DevicePool.cpu(1)) {
                assertThrows(IllegalArgumentException.class, () -> new ModelParallel(1, pool).add(child(0, 1), other.get(0)));
            }
        }
    }

}
