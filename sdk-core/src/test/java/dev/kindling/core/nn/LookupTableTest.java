package dev.kindling.core.nn;

import dev.kindling.core.testing.GradCheck;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LookupTableTest {

    @Test
    void forwardGathersRowsForAnyIdShape() {
        Random rng = new Random(1);
        LookupTable lt = new LookupTable(10, 4, LookupTable.NO_PADDING, 0f, 2f, true, rng);
        IndexTensor ids = IndexTensor.of(new int[]{3, 9, 3, 0, 5, 1}, 2, 3);
        Tensor out = lt.forward(ids);
        assertArrayEquals(new int[]{2, 3, 4}, out.shape());
        for (int b = 0; b < 2; b++) {
            for (int j = 0; j < 3; j++) {
                for (int d = 0; d < 4; d++) {
                    assertEquals(lt.weight().value().get(ids.get(b * 3 + j), d), out.get(b, j, d));
                }
            }
        }
    }

    @Test
    void backwardSumsDuplicatesIntoSortedSparseRows() {
        Random rng = new Random(2);
        LookupTable lt = new LookupTable(50, 3, LookupTable.NO_PADDING, 0f, 2f, true, rng);
        IndexTensor ids = IndexTensor.of(7, 2, 7, 40, 7, 2);
        Tensor g = Tensor.randn(rng, 1f, 6, 3);
        assertNull(lt.backward(ids, g));
        RowSparse s = lt.weight().sparseGrad();
        assertArrayEquals(new int[]{2, 7, 40}, s.rows().toArray());
        for (int d = 0; d < 3; d++) {
            assertEquals(g.get(1, d) + g.get(5, d), s.values().get(0, d), 1e-6);
            assertEquals(g.get(0, d) + g.get(2, d) + g.get(4, d), s.values().get(1, d), 1e-6);
            assertEquals(g.get(3, d), s.values().get(2, d), 1e-6);
        }
        GradCheck.checkParameters(lt, ids, 3);
    }

    @Test
    void duplicateAccumulationIsDeterministicAcrossRuns() {
        Random rng = new Random(4);
        int[] idArr = new int[5000];
        for (int i = 0; i < idArr.length; i++) {
            idArr[i] = rng.nextInt(20);
        }
        IndexTensor ids = IndexTensor.of(idArr);
        Tensor g = Tensor.randn(rng, 1f, idArr.length, 16);
        float[] first = null;
        for (int run = 0; run < 3; run++) {
            LookupTable lt = new LookupTable(20, 16, LookupTable.NO_PADDING, 0f, 2f, true, new Random(5));
            lt.backward(ids, g);
            float[] v = lt.weight().sparseGrad().values().toArray();
            if (first == null) {
                first = v;
            } else {
                assertArrayEquals(first, v, "bitwise equal on every run");
            }
        }
    }

    @Test
    void paddingRowStaysZeroAndGetsNoGradient() {
        Random rng = new Random(6);
        LookupTable lt = new LookupTable(8, 3, 0, 0f, 2f, true, rng);
        assertArrayEquals(new float[3], lt.weight().value().select(0).toArray());
        IndexTensor ids = IndexTensor.of(0, 4, 0);
        lt.backward(ids, Tensor.randn(rng, 1f, 3, 3));
        assertArrayEquals(new int[]{4}, lt.weight().sparseGrad().rows().toArray());
    }

    @Test
    void maxNormRenormalizesReferencedRowsOnly() {
        Tensor w = Tensor.of(new float[]{3, 4, 0.3f, 0.4f, 6, 8}, 3, 2);
        LookupTable lt = new LookupTable(w, LookupTable.NO_PADDING, 1f, 2f, true);
        Tensor out = lt.forward(IndexTensor.of(0, 1));
        assertEquals(0.6f, out.get(0, 0), 1e-5);
        assertEquals(0.8f, out.get(0, 1), 1e-5);
        assertEquals(0.3f, out.get(1, 0), 1e-6);
        assertEquals(6f, w.get(2, 0), "row 2 was not referenced");
    }

    @Test
    void denseGradientModeMatchesSparse() {
        Random rng = new Random(7);
        IndexTensor ids = IndexTensor.of(1, 1, 3);
        Tensor g = Tensor.randn(rng, 1f, 3, 2);
        LookupTable dense = new LookupTable(5, 2, LookupTable.NO_PADDING, 0f, 2f, false, new Random(1));
        dense.backward(ids, g);
        assertEquals(g.get(0, 1) + g.get(1, 1), dense.weight().grad().get(1, 1), 1e-6);
        assertEquals(0f, dense.weight().grad().get(0, 0));
    }

    @Test
    void badInputsGiveClearErrors() {
        LookupTable lt = new LookupTable(5, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lt.forward(IndexTensor.of(1, 5)));
        assertTrue(e.getMessage().contains("id 5") && e.getMessage().contains("position 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> lt.forward(IndexTensor.of(-1)));
        assertThrows(IllegalArgumentException.class, () -> lt.backward(IndexTensor.of(1, 2), Tensor.zeros(3, 2)));
        assertThrows(IllegalArgumentException.class, () -> new LookupTable(0, 2));
        assertThrows(IllegalArgumentException.class, () -> new LookupTable(5, 2, 5, 0f, 2f, true, new Random()));
        assertThrows(IllegalArgumentException.class, () -> new LookupTable(5, 2, -1, -1f, 2f, true, new Random()));
    }
}
