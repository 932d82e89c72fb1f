package dev.kindling.core.nn;

import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CriterionTest {

    @Test
    void nllIsWeightedMeanOfPickedLogProbs() {
        Tensor lp = Tensor.of(new float[]{-1f, -2f, -3f, -0.5f, -4f, -6f}, 2, 3);
        IndexTensor t = IndexTensor.of(2, 0);
        assertEquals((3f + 0.5f) / 2, new ClassNLLCriterion().forward(lp, t), 1e-6);
        Tensor w = Tensor.of(new float[]{2f, 1f, 3f}, 3);
        // Torch rule: divide by the summed weights of the targets.
        assertEquals((3 * 3f + 2 * 0.5f) / 5, new ClassNLLCriterion(w, true).forward(lp, t), 1e-6);
        assertEquals(3 * 3f + 2 * 0.5f, new ClassNLLCriterion(w, false).forward(lp, t), 1e-6);
    }

    @Test
    void crossEntropyGradientMatchesFiniteDifferences() {
        Random rng = new Random(1);
        Tensor x = Tensor.randn(rng, 1f, 5, 7);
        IndexTensor t = IndexTensor.of(0, 6, 3, 3, 1);
        CrossEntropyCriterion ce = new CrossEntropyCriterion();
        Tensor g = ce.backward(x, t);
        double eps = 1e-2;
        for (int i = 0; i < x.numel(); i++) {
            float o = x.getFlat(i);
            x.setFlat(i, (float) (o + eps));
            double plus = ce.forward(x, t);
            x.setFlat(i, (float) (o - eps));
            double minus = ce.forward(x, t);
            x.setFlat(i, o);
            assertEquals((plus - minus) / (2 * eps), g.getFlat(i), 2e-3);
        }
        // Softmax probabilities minus one-hot, divided by the batch: each row of the gradient sums to zero.
        for (int r = 0; r < 5; r++) {
            double s = 0;
            for (int c = 0; c < 7; c++) {
                s += g.get(r, c);
            }
            assertEquals(0, s, 1e-6);
        }
    }

    @Test
    void badTargetsAndNaNInputsGiveClearErrors() {
        Tensor lp = Tensor.zeros(2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ClassNLLCriterion().forward(lp, IndexTensor.of(0, 3)));
        assertTrue(e.getMessage().contains("id 3") && e.getMessage().contains("[0, 3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ClassNLLCriterion().forward(lp, IndexTensor.of(0)));
        assertTrue(e.getMessage().contains("2 rows") && e.getMessage().contains("1 targets"), e.getMessage());
        Tensor nan = Tensor.of(new float[]{Float.NaN, 0, 0}, 1, 3);
        e = assertThrows(IllegalArgumentException.class, () -> new CrossEntropyCriterion().forward(nan, IndexTensor.of(1)));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }
}
