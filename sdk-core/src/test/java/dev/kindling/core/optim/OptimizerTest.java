package dev.kindling.core.optim;

import dev.kindling.core.nn.CrossEntropyCriterion;
import dev.kindling.core.nn.EmbeddingBag;
import dev.kindling.core.nn.Bags;
import dev.kindling.core.nn.Linear;
import dev.kindling.core.nn.LookupTable;
import dev.kindling.core.nn.Parameter;
import dev.kindling.core.nn.Sequential;
import dev.kindling.core.nn.Tanh;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimizerTest {

    @Test
    void sgdWithMomentumAndDecayMatchesHandComputation() {
        Linear lin = new Linear(2, 1, false, new Random(1));
        Parameter w = lin.weight();
        w.value().copyFrom(Tensor.of(new float[]{1f, -2f}, 1, 2));
        Sgd sgd = new Sgd(lin.parameters(), 0.1f, 0.9f, 0f, 0.01f, false);
        double[] p = {1, -2}, buf = new double[2];
        float[][] grads = {{0.5f, 0.25f}, {-1f, 2f}, {0.3f, 0.3f}};
        for (int step = 0; step < 3; step++) {
            w.grad().copyFrom(Tensor.of(grads[step], 1, 2));
            sgd.step();
            for (int i = 0; i < 2; i++) {
                double g = grads[step][i] + 0.01 * p[i];
                buf[i] = step == 0 ? g : 0.9 * buf[i] + g;
                p[i] -= 0.1 * buf[i];
                assertEquals(p[i], w.value().getFlat(i), 1e-6, "step " + step);
            }
        }
    }

    @Test
    void sparseUpdatesTouchOnlyGradientRows() {
        LookupTable lt = new LookupTable(100, 4, LookupTable.NO_PADDING, 0f, 2f, true, new Random(2));
        float[] before = lt.weight().value().toArray();
        for (Optimizer opt : List.of(new Sgd(lt.parameters(), 0.5f, 0.9f, 0f, 0.1f, false), new Adagrad(lt.parameters(), 0.5f))) {
            lt.zeroGradParameters();
            lt.backward(IndexTensor.of(3, 77, 3), Tensor.randn(new Random(3), 1f, 3, 4));
            opt.step();
        }
        float[] after = lt.weight().value().toArray();
        for (int r = 0; r < 100; r++) {
            boolean touched = r == 3 || r == 77;
            for (int d = 0; d < 4; d++) {
                int i = r * 4 + d;
                assertEquals(!touched, before[i] == after[i], "row " + r + (touched ? " should change" : " must not change"));
            }
        }
    }

    @Test
    void adagradMatchesHandComputation() {
        Linear lin = new Linear(1, 1, false, new Random(1));
        lin.weight().value().set(2f, 0, 0);
        Adagrad ada = new Adagrad(lin.parameters(), 0.5f, 1e-10f, 0f, 0.1f);
        double p = 2, acc = 0.1;
        for (float g : new float[]{1f, -3f, 0.5f}) {
            lin.weight().grad().set(g, 0, 0);
            ada.step();
            acc += g * g;
            p -= 0.5 * g / (Math.sqrt(acc) + 1e-10);
            assertEquals(p, lin.weight().value().get(0, 0), 1e-5);
        }
    }

    @Test
    void trainingReducesLossEndToEnd() {
        Random rng = new Random(5);
        EmbeddingBag bag = new EmbeddingBag(200, 16, EmbeddingBag.Mode.MEAN, LookupTable.NO_PADDING, rng);
        Sequential<Bags> model = new Sequential<>(bag).add(new Tanh()).add(new Linear(16, 4, true, rng));
        int n = 64;
        int[] ids = new int[n * 3];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 4;
            for (int j = 0; j < 3; j++) {
                ids[i * 3 + j] = labels[i] * 50 + rng.nextInt(50);   // ids carry the label
            }
        }
        Bags in = Bags.fixedLength(IndexTensor.of(ids, n, 3));
        IndexTensor target = IndexTensor.of(labels);
        CrossEntropyCriterion ce = new CrossEntropyCriterion();
        Optimizer opt = new Adagrad(model.parameters(), 0.2f);
        float first = ce.forward(model.forward(in), target);
        for (int step = 0; step < 60; step++) {
            model.zeroGradParameters();
            Tensor out = model.forward(in);
            model.backward(in, ce.backward(out, target));
            opt.step();
        }
        float last = ce.forward(model.forward(in), target);
        assertTrue(last < first * 0.2, "loss should fall well below its start: " + first + " -> " + last);
    }

    @Test
    void badSettingsAreRejected() {
        List<Parameter> ps = new Linear(2, 2).parameters();
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, -1f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, 0.1f, 0f, 0f, 0f, true));
        assertThrows(IllegalArgumentException.class, () -> new Adagrad(List.of(), 0.1f));
        assertArrayEquals(new int[]{2, 2}, ps.get(0).value().shape());
    }
}
