package dev.kindling.core.nn;

import dev.kindling.core.testing.GradCheck;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddingBagTest {

    private static Bags randomBags(Random rng, int bags, int nIndex, boolean weights) {
        int[] offsets = new int[bags];
        int total = 0;
        for (int b = 0; b < bags; b++) {
            offsets[b] = total;
            total += b == 1 ? 0 : 1 + rng.nextInt(6);   // bag 1 is empty
        }
        int[] ids = new int[total];
        for (int i = 0; i < total; i++) {
            ids[i] = rng.nextInt(nIndex);
        }
        return new Bags(IndexTensor.of(ids), IndexTensor.of(offsets), weights ? Tensor.rand(rng, 0.5f, 2f, total) : null);
    }

    private static double expected(EmbeddingBag eb, Bags in, int b, int d, int padding) {
        int from = in.offsets().get(b);
        int to = b + 1 < in.bagCount() ? in.offsets().get(b + 1) : in.ids().numel();
        double s = 0;
        int n = 0;
        for (int i = from; i < to; i++) {
            int id = in.ids().get(i);
            if (id == padding) {
                continue;
            }
            double w = in.perIdWeights() == null ? 1 : in.perIdWeights().getFlat(i);
            s += w * eb.weight().value().get(id, d);
            n++;
        }
        return eb.mode() == EmbeddingBag.Mode.MEAN && n > 0 ? s / n : s;
    }

    @Test
    void forwardMatchesLoopForSumMeanAndWeights() {
        Random rng = new Random(1);
        for (EmbeddingBag.Mode mode : EmbeddingBag.Mode.values()) {
            for (boolean weights : new boolean[]{false, true}) {
                EmbeddingBag eb = new EmbeddingBag(30, 7, mode, 4, rng);
                Bags in = randomBags(rng, 9, 30, weights);
                Tensor out = eb.forward(in);
                for (int b = 0; b < 9; b++) {
                    for (int d = 0; d < 7; d++) {
                        assertEquals(expected(eb, in, b, d, 4), out.get(b, d), 1e-5, mode + " bag " + b);
                    }
                }
            }
        }
    }

    @Test
    void forwardOnManyBagsUsesParallelPathCorrectly() {
        Random rng = new Random(11);
        EmbeddingBag eb = new EmbeddingBag(1000, 16, EmbeddingBag.Mode.MEAN, LookupTable.NO_PADDING, rng);
        Bags in = Bags.fixedLength(IndexTensor.of(randomIds(rng, 2000 * 5, 1000), 2000, 5));
        Tensor out = eb.forward(in);
        for (int b = 0; b < 2000; b += 97) {
            assertEquals(expected(eb, in, b, 3, -1), out.get(b, 3), 1e-5);
        }
    }

    private static int[] randomIds(Random rng, int n, int limit) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextInt(limit);
        }
        return a;
    }

    @Test
    void tableGradientMatchesFiniteDifferences() {
        Random rng = new Random(2);
        for (EmbeddingBag.Mode mode : EmbeddingBag.Mode.values()) {
            EmbeddingBag eb = new EmbeddingBag(12, 3, mode, 2, rng);
            GradCheck.checkParameters(eb, randomBags(rng, 5, 12, true), 3);
        }
    }

    @Test
    void perIdWeightGradientMatchesFiniteDifferences() {
        Random rng = new Random(4);
        for (EmbeddingBag.Mode mode : EmbeddingBag.Mode.values()) {
            EmbeddingBag eb = new EmbeddingBag(12, 3, mode, LookupTable.NO_PADDING, rng);
            Bags in = randomBags(rng, 4, 12, true);
            Tensor r = Tensor.randn(rng, 1f, 4, 3);
            Tensor gw = eb.backward(in, r).perIdWeights();
            double eps = 1e-2;
            for (int i = 0; i < in.ids().numel(); i++) {
                float o = in.perIdWeights().getFlat(i);
                in.perIdWeights().setFlat(i, (float) (o + eps));
                double plus = GradCheck.weightedSum(eb.forward(in), r);
                in.perIdWeights().setFlat(i, (float) (o - eps));
                double minus = GradCheck.weightedSum(eb.forward(in), r);
                in.perIdWeights().setFlat(i, o);
                assertEquals((plus - minus) / (2 * eps), gw.getFlat(i), 1e-3, mode + " weight " + i);
            }
        }
    }

    @Test
    void badBagsGiveClearErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Bags(IndexTensor.of(1, 2, 3), IndexTensor.of(0, 2, 1)));
        assertTrue(e.getMessage().contains("never decrease"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Bags(IndexTensor.of(1, 2), IndexTensor.of(1)));
        assertThrows(IllegalArgumentException.class, () -> new Bags(IndexTensor.of(1, 2), IndexTensor.of(0, 3)));
        assertThrows(IllegalArgumentException.class, () -> new Bags(IndexTensor.of(1, 2), IndexTensor.of(0), Tensor.zeros(3)));
        EmbeddingBag eb = new EmbeddingBag(4, 2, EmbeddingBag.Mode.SUM);
        e = assertThrows(IllegalArgumentException.class, () -> eb.forward(new Bags(IndexTensor.of(1, 4), IndexTensor.of(0))));
        assertTrue(e.getMessage().contains("id 4"), e.getMessage());
    }
}
