package dev.kindling.cuda;

import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Placement, transfers, views and memory accounting on the GPU. */
class CudaTensorTest extends CudaTestSupport {

    @Test
    void roundTripsHeapAndOffHeapTensorsThroughTheDevice() {
        Random rng = new Random(1);
        Tensor heap = rand(rng, 37, 129);
        Tensor back = heap.to(GPU).to(Device.CPU);
        assertArrayEquals(heap.toArray(), back.toArray());
        // Larger than one staging slot (4 MiB) and not a multiple of it.
        Tensor big = rand(rng, 3_000_001);
        assertArrayEquals(big.toArray(), big.to(GPU).toArray());
        Tensor off = Tensor.offHeap(1001);
        for (int i = 0; i < 1001; i++) {
            off.setFlat(i, i * 0.25f + 1);
        }
        assertArrayEquals(off.toArray(), off.to(GPU).toArray());
        assertEquals(GPU, heap.to(GPU).device());
    }

    @Test
    void viewsCopiesAndElementAccessUseOffsets() {
        Random rng = new Random(2);
        Tensor cpu = rand(rng, 9, 7);
        Tensor g = gpu(cpu);
        Tensor rows = g.narrow(3, 4);
        assertArrayEquals(cpu.narrow(3, 4).toArray(), rows.toArray());
        assertEquals(cpu.get(5, 6), g.get(5, 6));
        g.set(42f, 5, 6);
        assertEquals(42f, g.get(5, 6));
        Tensor c = rows.copy();
        assertEquals(GPU, c.device());
        assertArrayEquals(rows.toArray(), c.toArray());
        Tensor dst = poisoned(4, 7);
        dst.copyFrom(cpu.narrow(0, 4));
        assertArrayEquals(cpu.narrow(0, 4).toArray(), dst.toArray());
        assertTrue(Tensor.zeros(GPU, 5, 3).toArray()[14] == 0f, "zeros() is zero-filled");
    }

    @Test
    void countsNonFiniteElements() {
        Tensor t = gpu(Tensor.of(new float[]{1, Float.NaN, 3, Float.POSITIVE_INFINITY, 5, Float.NEGATIVE_INFINITY, 7}, 7));
        assertEquals(3, cuda().countNonFinite(t));
        assertEquals(1, cuda().countNonFinite(t.narrow(0, 2)));
        assertTrue(gpu(rand(new Random(3), 1000)).allFinite());
    }

    @Test
    void allocatorReusesFreedBlocksAndEnforcesItsLimit() {
        CudaBackend b = cudaBackend();
        AllocatorStats before = b.memoryStats(GPU);
        Tensor t = Tensor.zeros(GPU, 1 << 20);
        assertTrue(b.memoryStats(GPU).inUseBytes() >= before.inUseBytes() + (4L << 20));
        long limit = b.memoryStats(GPU).limitBytes();
        try {
            b.setMemoryLimit(GPU, b.memoryStats(GPU).inUseBytes() + b.memoryStats(GPU).cachedBytes() + (8L << 20));
            CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> Tensor.zeros(GPU, 64 << 20));
            assertTrue(e.getMessage().contains("asked for") && e.getMessage().contains("device free"), e.getMessage());
        } finally {
            b.setMemoryLimit(GPU, limit);
        }
        assertEquals(1 << 20, t.numel());
        assertTrue(b.deviceName(GPU).length() > 0);
    }
}
