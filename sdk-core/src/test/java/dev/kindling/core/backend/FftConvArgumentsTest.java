package dev.kindling.core.backend;

import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FftConvArgumentsTest {

    private static final ConvGeometry G = new ConvGeometry(3, 5, 1, 1, 1, 2);

    private static void rejects(String expectedInMessage, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void acceptsConsistentShapesAndNullOptionals() {
        Tensor x = Tensor.zeros(2, 3, 7, 9), w = Tensor.zeros(4, 3, 3, 5);
        assertDoesNotThrow(() -> FftConvArguments.checkForward(x, w, Tensor.zeros(4), G, Tensor.zeros(2, 4, 7, 9)));
        assertDoesNotThrow(() -> FftConvArguments.checkForward(x, w, null, G, Tensor.zeros(2, 4, 7, 9)));
        assertDoesNotThrow(() -> FftConvArguments.checkBackward(x, w, Tensor.zeros(2, 4, 7, 9), G, null, null, null));
        assertDoesNotThrow(() -> FftConvArguments.checkBackward(x, w, Tensor.zeros(2, 4, 7, 9), G, x.zerosLike(), w.zerosLike(),
                Tensor.zeros(4)));
    }

    @Test
    void namesWhatWasWrongAndWhatWasExpected() {
        Tensor x = Tensor.zeros(2, 3, 7, 9), w = Tensor.zeros(4, 3, 3, 5), y = Tensor.zeros(2, 4, 7, 9);
        rejects("output must have shape [2, 4, 7, 9]", () -> FftConvArguments.checkForward(x, w, null, G, Tensor.zeros(2, 4, 7, 8)));
        rejects("weight must have shape [O, 3, 3, 5]", () -> FftConvArguments.checkForward(x, Tensor.zeros(4, 2, 3, 5), null, G, y));
        rejects("weight must have shape [O, 3, 3, 5]", () -> FftConvArguments.checkForward(x, Tensor.zeros(4, 3, 5, 3), null, G, y));
        rejects("bias must have shape [4]", () -> FftConvArguments.checkForward(x, w, Tensor.zeros(3), G, y));
        rejects("rank 4", () -> FftConvArguments.checkForward(Tensor.zeros(3, 7, 9), w, null, G, y));
        rejects("stride 1", () -> FftConvArguments.checkForward(x, w, null, new ConvGeometry(3, 5, 2, 1, 1, 2), y));
        rejects("larger than the padded input", () -> FftConvArguments.checkForward(Tensor.zeros(2, 3, 3, 9), Tensor.zeros(4, 3, 5, 5),
                null, new ConvGeometry(5, 5, 1, 1, 0, 0), y));
        rejects("gradOutput must have shape [2, 4, 7, 9]",
                () -> FftConvArguments.checkBackward(x, w, Tensor.zeros(2, 4, 9, 7), G, null, null, null));
        rejects("gradInput must have shape [2, 3, 7, 9]",
                () -> FftConvArguments.checkBackward(x, w, y, G, Tensor.zeros(2, 3, 9, 7), null, null));
        rejects("gradWeight must have shape [4, 3, 3, 5]",
                () -> FftConvArguments.checkBackward(x, w, y, G, null, Tensor.zeros(4, 3, 5, 3), null));
        rejects("gradBias must have shape [4]", () -> FftConvArguments.checkBackward(x, w, y, G, null, null, Tensor.zeros(5)));
    }
}
