package dev.kindling.core.nn.conv;

import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AutoSpatialConvolutionTest {

    @Test
    void tunesOncePerShapeAndMatchesDirect() {
        Random rng = new Random(1);
        AutoSpatialConvolution auto = new AutoSpatialConvolution(3, 4, 5, 5, 1, 1, 2, 2, new Random(9));
        SpatialConvolution direct = new SpatialConvolution(3, 4, 5, 5, 1, 1, 2, 2, new Random(9));
        Tensor x = Tensor.randn(rng, 1f, 2, 3, 12, 10);
        ConvAlgorithmTuner.Choice first = auto.choice(x);
        assertTrue(first.directNanos() > 0 && first.fftNanos() > 0, "both candidates timed: " + first);
        assertEquals(first.fftNanos() < first.directNanos() ? ConvAlgorithm.FFT : ConvAlgorithm.DIRECT, first.algorithm());
        assertSame(first, auto.choice(x), "remembered, not re-timed");
        assertTrue(SpatialConvolutionTest.relErr(direct.forward(x), auto.forward(x)) < 1e-5);
        Tensor g = Tensor.randn(rng, 1f, 2, 4, 12, 10);
        assertTrue(SpatialConvolutionTest.relErr(direct.backward(x, g), auto.backward(x, g)) < 1e-5);
        assertTrue(SpatialConvolutionTest.relErr(direct.weight().grad(), auto.weight().grad()) < 1e-5);
        // tuning used scratch gradients: the module's own gradient holds exactly one backward
        assertTrue(SpatialConvolutionTest.relErr(direct.bias().grad(), auto.bias().grad()) < 1e-5);
    }

    @Test
    void stridedShapesAreAlwaysDirect() {
        AutoSpatialConvolution auto = new AutoSpatialConvolution(2, 2, 3, 3, 2, 2, 0, 0, new Random(1));
        Tensor x = Tensor.randn(new Random(2), 1f, 1, 2, 9, 9);
        assertEquals(ConvAlgorithm.DIRECT, auto.algorithmFor(x));
        assertEquals(0, auto.choice(x).directNanos());
    }
}
