package dev.kindling.core.backend.cpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class HsmRowKernelsTest {

    @Test
    void vectorAndScalarRowKernelsMatchNaiveLoops() {
        Random rng = new Random(1);
        for (HsmRowKernels k : new HsmRowKernels[]{HsmRowKernels.matching(CpuKernels.preferred()), new HsmScalarRowKernels()}) {
            // Sizes that reach every tail: 8 and 4 lanes, scalars, and none (29 = 16 + 8 + 4 + 1 on 16 lanes).
            for (int n : new int[]{1, 7, 12, 16, 29, 33, 100, 128}) {
                float[] w = random(rng, n + 5), x = random(rng, n + 3), g = random(rng, n + 2);
                double expectedDot = 0;
                for (int i = 0; i < n; i++) {
                    expectedDot += (double) w[i + 5] * x[i + 3];
                }
                for (CpuKernels ck : new CpuKernels[]{CpuKernels.preferred(), CpuKernels.scalar()}) {
                    assertEquals(expectedDot, ck.dot(MemorySegment.ofArray(w), 5, MemorySegment.ofArray(x), 3, n), 1e-4, ck.name() + " n=" + n);
                    float[] y = g.clone(), expectedY = g.clone();
                    for (int i = 0; i < n; i++) {
                        expectedY[i + 2] += -1.5f * x[i + 3];
                    }
                    ck.axpy(-1.5f, MemorySegment.ofArray(x), 3, MemorySegment.ofArray(y), 2, n);
                    assertArrayEquals(expectedY, y, 1e-5f, ck.name() + " axpy n=" + n);
                }
                float[] w2 = w.clone(), g2 = g.clone();
                for (int i = 0; i < n; i++) {
                    g2[i + 2] += 0.3f * w[i + 5];
                    w2[i + 5] += -0.7f * x[i + 3];
                }
                k.gradAndUpdate(0.3f, -0.7f, MemorySegment.ofArray(w), 5, MemorySegment.ofArray(x), 3, MemorySegment.ofArray(g), 2, n);
                assertArrayEquals(w2, w, 1e-6f);
                assertArrayEquals(g2, g, 1e-6f);
            }
        }
    }

    private static float[] random(Random rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rng.nextGaussian();
        }
        return a;
    }
}
