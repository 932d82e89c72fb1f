package dev.kindling.core.tensor;

import dev.kindling.core.backend.Backends;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorTest {

    @Test
    void viewsShareStorage() {
        Tensor t = Tensor.of(new float[]{0, 1, 2, 3, 4, 5}, 2, 3);
        Tensor row = t.select(1);
        assertArrayEquals(new float[]{3, 4, 5}, row.toArray());
        row.set(9f, 0);
        assertEquals(9f, t.get(1, 0));
        assertArrayEquals(new int[]{3, 2}, t.view(-1, 2).shape());
        assertArrayEquals(new float[]{0, 1, 2}, t.narrow(0, 1).toArray());
        assertThrows(IllegalArgumentException.class, () -> t.view(4, 2));
        assertThrows(IllegalArgumentException.class, () -> t.narrow(1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0));
        assertThrows(IllegalArgumentException.class, () -> t.get(0));
    }

    @Test
    void offHeapTensorsBehaveLikeHeapOnes() {
        Tensor h = Tensor.randn(new Random(1), 1f, 17, 5);
        Tensor o = Tensor.offHeap(17, 5);
        o.copyFrom(h);
        assertArrayEquals(h.toArray(), o.toArray());
        assertTrue(((HostStorage) o.storage()).isNative());
        Tensor sum = h.copy();
        sum.backend().blas().axpy(1f, o, sum);
        assertEquals(2 * h.get(3, 4), sum.get(3, 4), 1e-6);
    }

    @Test
    void finiteCheckAndDeviceParsing() {
        Tensor t = Tensor.zeros(3);
        assertTrue(t.allFinite());
        t.set(Float.POSITIVE_INFINITY, 2);
        assertFalse(t.allFinite());
        assertEquals(Device.cuda(1), Device.parse("CUDA:1"));
        assertEquals(Device.CPU, Device.parse("cpu"));
        assertThrows(IllegalArgumentException.class, () -> Device.parse("cuda:x"));
        assertThrows(IllegalArgumentException.class, () -> Device.parse("gpu:-1"));
    }

    @Test
    void unknownOrUnavailableBackendIsAClearError() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Tensor.zeros(new Device("tpu", 0), 2));
        assertTrue(e.getMessage().contains("tpu:0"), e.getMessage());
        assertEquals("cpu", Backends.availableTypes().get(0));
    }

    @Test
    void indexTensorRangeCheckNamesTheCulprit() {
        IndexTensor ids = IndexTensor.of(new int[]{1, 2, 7, 3}, 2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ids.requireRange("vocab", 5));
        assertTrue(e.getMessage().contains("id 7 at position 2") && e.getMessage().contains("[0, 5)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IndexTensor.of(new int[]{1, 2, 3}, 2, 2));
    }
}
