package dev.kindling.core.backend;

import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConvArgumentsTest {

    private static void fails(String expectedText, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(expectedText), "message should mention '" + expectedText + "': " + e.getMessage());
    }

    @Test
    void temporalShapesAreCheckedWithMessagesThatSayWhatWasExpected() {
        Tensor x = Tensor.zeros(2, 11, 5), w = Tensor.zeros(7, 3, 5), b = Tensor.zeros(7);
        int steps = (11 - 3) / 2 + 1;
        assertDoesNotThrow(() -> ConvArguments.checkTemporalForward(x, w, b, 2, Tensor.zeros(2, steps, 7)));
        assertDoesNotThrow(() -> ConvArguments.checkTemporalForward(x, w, null, 2, Tensor.zeros(2, steps, 7)));
        fails("output must have shape [2, 5, 7]", () -> ConvArguments.checkTemporalForward(x, w, b, 2, Tensor.zeros(2, 6, 7)));
        fails("frame size must be 5", () -> ConvArguments.checkTemporalForward(Tensor.zeros(2, 11, 4), w, b, 2, Tensor.zeros(2, steps, 7)));
        fails("needs at least 3 frames", () -> ConvArguments.checkTemporalForward(Tensor.zeros(2, 2, 5), w, b, 1, Tensor.zeros(2, 0, 7)));
        fails("bias must have 7 elements", () -> ConvArguments.checkTemporalForward(x, w, Tensor.zeros(6), 2, Tensor.zeros(2, steps, 7)));
        fails("dW must be > 0", () -> ConvArguments.checkTemporalForward(x, w, b, 0, Tensor.zeros(2, steps, 7)));
        fails("input must have rank 3", () -> ConvArguments.checkTemporalForward(Tensor.zeros(11, 5), w, b, 2, Tensor.zeros(2, steps, 7)));
        assertDoesNotThrow(() -> ConvArguments.checkTemporalBackwardInput(Tensor.zeros(2, steps, 7), w, 2, x));
        fails("gradOutput must have shape", () -> ConvArguments.checkTemporalBackwardInput(Tensor.zeros(2, steps, 6), w, 2, x));
        assertDoesNotThrow(() -> ConvArguments.checkTemporalAccGrad(x, Tensor.zeros(2, steps, 7), 2, w, null));
        fails("gradBias must have 7", () -> ConvArguments.checkTemporalAccGrad(x, Tensor.zeros(2, steps, 7), 2, w, Tensor.zeros(3)));
    }

    @Test
    void spatialShapesAreCheckedWithMessagesThatSayWhatWasExpected() {
        ConvGeometry g = new ConvGeometry(3, 5, 2, 1, 1, 2);
        Tensor x = Tensor.zeros(2, 3, 9, 8), w = Tensor.zeros(4, 3, 3, 5), b = Tensor.zeros(4);
        int oh = g.outHeight(9), ow = g.outWidth(8);
        assertDoesNotThrow(() -> ConvArguments.checkSpatialForward(x, w, b, g, Tensor.zeros(2, 4, oh, ow)));
        fails("output must have shape", () -> ConvArguments.checkSpatialForward(x, w, b, g, Tensor.zeros(2, 4, oh + 1, ow)));
        fails("weight must have shape [4, 3, 3, 5]", () -> ConvArguments.checkSpatialForward(x, Tensor.zeros(4, 2, 3, 5), b, g,
                Tensor.zeros(2, 4, oh, ow)));
        fails("weight must have shape [4, 3, 3, 5]", () -> ConvArguments.checkSpatialForward(x, Tensor.zeros(4, 3, 5, 3), b, g,
                Tensor.zeros(2, 4, oh, ow)));
        fails("larger than the padded input", () -> ConvArguments.checkSpatialForward(Tensor.zeros(2, 3, 9, 0), w, b, g,
                Tensor.zeros(2, 4, oh, ow)));
        fails("bias must have 4 elements", () -> ConvArguments.checkSpatialForward(x, w, Tensor.zeros(5), g, Tensor.zeros(2, 4, oh, ow)));
        assertDoesNotThrow(() -> ConvArguments.checkSpatialBackwardInput(Tensor.zeros(2, 4, oh, ow), w, g, x));
        fails("gradOutput must have shape", () -> ConvArguments.checkSpatialBackwardInput(Tensor.zeros(3, 4, oh, ow), w, g, x));
        assertDoesNotThrow(() -> ConvArguments.checkSpatialAccGrad(x, Tensor.zeros(2, 4, oh, ow), g, w, b));
        fails("gradInput must have rank 4", () -> ConvArguments.checkSpatialBackwardInput(Tensor.zeros(2, 4, oh, ow), w, g,
                Tensor.zeros(3, 9, 8)));
    }
}
