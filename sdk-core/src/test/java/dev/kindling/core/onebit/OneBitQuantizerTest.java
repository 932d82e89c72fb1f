package dev.kindling.core.onebit;

import dev.kindling.core.backend.QuantizationAxis;
import dev.kindling.core.backend.QuantizedGradient;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OneBitQuantizerTest {

    @Test
    void roundTripKeepsSignsAndEachGroupsSum() {
        Random rng = new Random(1);
        for (QuantizationAxis axis : QuantizationAxis.values()) {
            Tensor g = Tensor.randn(rng, 1f, 6, 45);
            QuantizedGradient q = new OneBitQuantizer(axis).quantizeWithoutFeedback(g);
            assertEquals(6 * 45, q.rows() * q.cols());
            assertEquals((6 * 45 + 31) / 32, q.bits().length, "32 sign bits per int");
            Tensor back = Tensor.zeros(6, 45);
            OneBitQuantizer.dequantize(q, back, false);
            int groups = axis == QuantizationAxis.PER_ROW ? 6 : 45;
            double[] sumTrue = new double[groups], sumBack = new double[groups];
            for (int r = 0; r < 6; r++) {
                for (int c = 0; c < 45; c++) {
                    float x = g.get(r, c), y = back.get(r, c);
                    assertEquals(x >= 0, y >= 0, "sign kept at " + r + "," + c);
                    int k = axis == QuantizationAxis.PER_ROW ? r : c;
                    sumTrue[k] += x;
                    sumBack[k] += y;
                }
            }
            for (int k = 0; k < groups; k++) {
                assertEquals(sumTrue[k], sumBack[k], 1e-4, axis + " group " + k + ": the two means preserve the group's sum");
            }
        }
    }

    @Test
    void errorFeedbackKeepsRunningSumsWithinOneResidual() {
        for (QuantizationAxis axis : QuantizationAxis.values()) {
            Random rng = new Random(7);
            OneBitQuantizer quantizer = new OneBitQuantizer(axis);
            int rows = 8, cols = 50, steps = 200;
            double[] trueSum = new double[rows * cols], deqSum = new double[rows * cols];
            double maxResidualFirstHalf = 0, maxResidualSecondHalf = 0, maxDrift = 0;
            Tensor deq = Tensor.zeros(rows, cols);
            for (int t = 0; t < steps; t++) {
                // a biased, slowly varying gradient: what error feedback must not lose
                Tensor g = Tensor.randn(rng, 1f, rows, cols);
                for (int i = 0; i < rows * cols; i++) {
                    g.setFlat(i, g.getFlat(i) + 0.3f * (float) Math.sin(i + t * 0.01));
                }
                QuantizedGradient q = quantizer.quantize(g);
                OneBitQuantizer.dequantize(q, deq, false);
                float[] res = quantizer.residual().toArray();
                for (int i = 0; i < rows * cols; i++) {
                    trueSum[i] += g.getFlat(i);
                    deqSum[i] += deq.getFlat(i);
                    double drift = deqSum[i] - trueSum[i];
                    // exactly once: Σ deq − Σ g = −residual (up to float rounding of the residual updates)
                    assertEquals(-res[i], drift, 1e-5 * (t + 1) + 1e-5, axis + " step " + t + " entry " + i);
                    maxDrift = Math.max(maxDrift, Math.abs(drift));
                    if (t < steps / 2) {
                        maxResidualFirstHalf = Math.max(maxResidualFirstHalf, Math.abs(res[i]));
                    } else {
                        maxResidualSecondHalf = Math.max(maxResidualSecondHalf, Math.abs(res[i]));
                    }
                }
            }
            assertTrue(maxResidualSecondHalf < 2 * maxResidualFirstHalf + 1, axis + ": residual stays bounded, "
                    + maxResidualFirstHalf + " then " + maxResidualSecondHalf);
            assertTrue(maxDrift < 10, axis + ": running sums stay close, drift " + maxDrift);
        }
    }

    @Test
    void withoutFeedbackTheRunningSumsDriftApart() {
        Random rng = new Random(7);
        OneBitQuantizer quantizer = new OneBitQuantizer(QuantizationAxis.PER_ROW);
        int n = 64;
        double trueSum = 0, deqSum = 0;
        Tensor deq = Tensor.zeros(1, n);
        for (int t = 0; t < 200; t++) {
            Tensor g = Tensor.randn(rng, 0.1f, 1, n);
            g.setFlat(0, 5f); // one large entry inflates the positive mean, so entry 1 (small, positive) is over-reconstructed
            g.setFlat(1, 0.01f);
            OneBitQuantizer.dequantize(quantizer.quantizeWithoutFeedback(g), deq, false);
            trueSum += g.getFlat(1);
            deqSum += deq.getFlat(1);
        }
        assertTrue(Math.abs(deqSum - trueSum) > 10, "without feedback the error accumulates: " + (deqSum - trueSum));
    }

    @Test
    void shapesOfAnyRankAreSeenAsMatrices() {
        Random rng = new Random(3);
        Tensor g3 = Tensor.randn(rng, 1f, 2, 3, 4);
        QuantizedGradient q = new OneBitQuantizer(QuantizationAxis.PER_ROW).quantize(g3);
        assertEquals(2, q.rows());
        assertEquals(12, q.cols());
        QuantizedGradient v = new OneBitQuantizer(QuantizationAxis.PER_ROW).quantize(Tensor.randn(rng, 1f, 5));
        assertEquals(1, v.rows());
        assertEquals(5, v.cols());
    }

    @Test
    void badInputsGetClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> new OneBitQuantizer(null));
        OneBitQuantizer q = new OneBitQuantizer(QuantizationAxis.PER_COLUMN);
        q.quantize(Tensor.zeros(2, 3));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> q.quantize(Tensor.zeros(3, 3)));
        assertTrue(shape.getMessage().contains("one quantizer per tensor"), shape.getMessage());
        Tensor nan = Tensor.zeros(2, 3);
        nan.set(Float.NaN, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> new OneBitQuantizer(QuantizationAxis.PER_ROW).quantize(nan));
        assertThrows(IllegalArgumentException.class, () -> OneBitQuantizer.dequantize(q.quantize(Tensor.zeros(2, 3)), Tensor.zeros(3, 2), false));
        assertThrows(IllegalArgumentException.class, () -> new QuantizedGradient(2, 40, QuantizationAxis.PER_ROW, new int[2], new float[2], new float[2]));
        assertThrows(IllegalArgumentException.class, () -> new QuantizedGradient(2, 4, QuantizationAxis.PER_COLUMN, new int[1], new float[2], new float[2]));
        assertThrows(IllegalArgumentException.class, () -> new OneBitConfig(QuantizationAxis.PER_ROW, 0, Smoothing.none()));
        assertThrows(IllegalArgumentException.class, () -> Smoothing.momentum(1f));
        assertThrows(IllegalArgumentException.class, () -> Smoothing.adagrad(-1f));
    }
}
