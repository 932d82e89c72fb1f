package dev.kindling.cuda;

import dev.kindling.core.backend.QuantizationAxis;
import dev.kindling.core.backend.QuantizedGradient;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link dev.kindling.core.backend.QuantizeOps} on the GPU against the CPU backend. */
class CudaQuantizeTest extends CudaTestSupport {

    @Test
    void quantizeWithErrorFeedbackAndDequantizeMatchTheCpu() {
        Random rng = new Random(91);
        int rows = 45, cols = 77, col0 = 6, width = 61;
        for (QuantizationAxis axis : QuantizationAxis.values()) {
            Tensor g = rand(rng, rows, cols), r = rand(rng, rows, cols);
            cpu().blas().scale(r, 0.1f);
            Tensor gg = gpu(g), gr = gpu(r);
            for (int step = 0; step < 2; step++) {
                QuantizedGradient want = cpu().quantize().quantize(g, r, col0, width, axis);
                QuantizedGradient got = cuda().quantize().quantize(gg, gr, col0, width, axis);
                assertArrayEquals(want.bits(), got.bits(), axis + " bits");
                assertArrayEquals(want.positive(), got.positive(), 1e-6f, axis + " positive means");
                assertArrayEquals(want.negative(), got.negative(), 1e-6f, axis + " negative means");
                assertClose(axis + " residual", r, gr, 1e-6, 1e-6);
                Tensor out = rand(rng, rows, cols), gout = gpu(out);
                cpu().quantize().dequantize(want, out, col0, step == 1);
                cuda().quantize().dequantize(want, gout, col0, step == 1);
                assertClose(axis + " dequantize accumulate=" + (step == 1), out, gout, 1e-6, 1e-6);
            }
            QuantizedGradient noResidual = cuda().quantize().quantize(gg, null, 0, cols, axis);
            assertArrayEquals(cpu().quantize().quantize(g, null, 0, cols, axis).bits(), noResidual.bits());
        }
        Tensor bad = gpu(Tensor.of(new float[]{1, Float.NaN, 3, 4}, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> cuda().quantize().quantize(bad, null, 0, 2, QuantizationAxis.PER_ROW));
        assertThrows(IllegalArgumentException.class, () -> cuda().quantize().quantize(bad, null, 1, 2, QuantizationAxis.PER_ROW));
    }
}
