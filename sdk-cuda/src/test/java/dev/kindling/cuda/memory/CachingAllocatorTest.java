package dev.kindling.cuda.memory;

import dev.kindling.cuda.AllocatorStats;
import dev.kindling.cuda.CudaOutOfMemoryException;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The allocator's policy against a fake device (runs without a GPU). */
class CachingAllocatorTest {

    /** A device of {@code capacity} bytes that hands out increasing addresses. */
    static final class FakeMemory implements RawDeviceMemory {
        final long capacity;
        long used;
        long next = 1 << 20;
        final Set<Long> live = new HashSet<>();
        final java.util.Map<Long, Long> sizes = new java.util.HashMap<>();
        int allocs;
        int frees;

        FakeMemory(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public long allocate(long bytes) {
            if (used + bytes > capacity) {
                return 0;
            }
            long a = next;
            next += bytes;
            used += bytes;
            live.add(a);
            sizes.put(a, bytes);
            allocs++;
            return a;
        }

        @Override
        public void free(long address) {
            assertTrue(live.remove(address), "double free of " + address);
            used -= sizes.remove(address);
            frees++;
        }

        @Override
        public long freeBytes() {
            return capacity - used;
        }
    }

    @Test
    void sizeClassesRoundSmallTo512AndLargeTo2MiB() {
        assertEquals(512, CachingAllocator.sizeClass(0));
        assertEquals(512, CachingAllocator.sizeClass(1));
        assertEquals(1024, CachingAllocator.sizeClass(513));
        assertEquals(1L << 20, CachingAllocator.sizeClass(1L << 20));
        assertEquals(2L << 20, CachingAllocator.sizeClass((1L << 20) + 1));
        assertEquals(4L << 20, CachingAllocator.sizeClass((2L << 20) + 1));
        assertThrows(IllegalArgumentException.class, () -> CachingAllocator.sizeClass(-1));
    }

    @Test
    void freedBlocksAreReusedWithoutADriverCall() {
        FakeMemory raw = new FakeMemory(64L << 20);
        CachingAllocator a = new CachingAllocator("cuda:0", raw, 64L << 20);
        DeviceBlock b1 = a.allocate(1000);
        long address = b1.address();
        b1.close();
        b1.close(); // released once only
        DeviceBlock b2 = a.allocate(900); // same 1024-byte class
        assertEquals(address, b2.address());
        assertEquals(1, raw.allocs);
        DeviceBlock b3 = a.allocate(5000); // another class: a new block
        assertNotEquals(address, b3.address());
        AllocatorStats s = a.stats();
        assertEquals(3, s.requests());
        assertEquals(1, s.cacheHits());
        assertEquals(2, s.driverAllocations());
        assertEquals(1024 + 5120, s.inUseBytes());
        assertEquals(0, s.cachedBytes());
        b2.close();
        b3.close();
        assertEquals(0, a.stats().inUseBytes());
        assertEquals(1024 + 5120, a.stats().cachedBytes());
        assertEquals(1024 + 5120, a.stats().peakInUseBytes());
        assertEquals(1024 + 5120, a.emptyCache());
        assertEquals(2, raw.frees);
        assertTrue(raw.live.isEmpty());
    }

    @Test
    void theLimitEmptiesTheCacheFirstThenFailsWithAskedHeldAndFree() {
        FakeMemory raw = new FakeMemory(1L << 30);
        CachingAllocator a = new CachingAllocator("cuda:1", raw, 8L << 20);
        DeviceBlock big = a.allocate(4L << 20);
        DeviceBlock cachedBlock = a.allocate(2L << 20);
        cachedBlock.close();
        // 4 MiB live + 2 MiB cached + 4 MiB asked > 8 MiB: the cache goes back to the driver, then it fits.
        DeviceBlock second = a.allocate(4L << 20);
        assertEquals(1, raw.frees);
        assertEquals(8L << 20, a.stats().inUseBytes());
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> a.allocate(3L << 20));
        assertTrue(e.getMessage().contains("cuda:1"), e.getMessage());
        assertTrue(e.getMessage().contains("asked for 3145728 B"), e.getMessage());
        assertTrue(e.getMessage().contains("held by live tensors 8388608 B"), e.getMessage());
        assertTrue(e.getMessage().contains("limit 8388608 B"), e.getMessage());
        assertTrue(e.getMessage().contains("device free"), e.getMessage());
        assertEquals(3L << 20, e.requestedBytes());
        big.close();
        second.close();
    }

    @Test
    void aFullDeviceFailsEvenUnderTheLimit() {
        FakeMemory raw = new FakeMemory(4L << 20);
        CachingAllocator a = new CachingAllocator("cuda:0", raw, 1L << 30);
        DeviceBlock b = a.allocate(4L << 20);
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> a.allocate(1));
        assertTrue(e.getMessage().contains("the driver has no room"), e.getMessage());
        assertTrue(e.getMessage().contains("device free 0 B"), e.getMessage());
        b.close();
        assertThrows(IllegalArgumentException.class, () -> a.setLimit(0));
    }

    @Test
    void releaseIsThreadSafe() throws InterruptedException {
        FakeMemory raw = new FakeMemory(1L << 30);
        CachingAllocator a = new CachingAllocator("cuda:0", raw, 1L << 30);
        DeviceBlock[] blocks = new DeviceBlock[2000];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = a.allocate(512L * (1 + i % 7));
        }
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                for (int i = id; i < blocks.length; i += threads.length) {
                    blocks[i].close();
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        AllocatorStats s = a.stats();
        assertEquals(0, s.inUseBytes());
        assertEquals(s.peakInUseBytes(), s.cachedBytes());
    }
}
