package dev.kindling.cuda.memory;

import dev.kindling.cuda.AllocatorStats;
import dev.kindling.cuda.CudaOutOfMemoryException;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Device memory with a cache: freed blocks are kept by size class and handed out again without a driver
 * call (cudaMalloc/cudaFree synchronize the device and cost far more than a kernel). Sizes up to 1 MiB
 * round up to 512 bytes, larger ones to 2 MiB, so similar requests share blocks. A hard limit bounds
 * in-use plus cached bytes; when a request would pass it, or the driver has no room, the cache is
 * emptied and the request retried once before a {@link CudaOutOfMemoryException} says what was asked,
 * held and free.
 *
 * <p>Blocks are used in the order of one stream per device, so a block released after its last kernel
 * was enqueued may be handed out at once: any new use is enqueued after the old one. Release is
 * thread-safe and makes no driver call (it may run on a cleaner thread); {@link #emptyCache()} frees
 * through the driver and must run with the device's context current.
 */
public final class CachingAllocator {

    static final long SMALL_LIMIT = 1L << 20;
    static final long SMALL_ROUND = 512;
    static final long LARGE_ROUND = 2L << 20;

    private final String device;
    private final RawDeviceMemory raw;
    private final Map<Long, ArrayDeque<Long>> cache = new HashMap<>();
    private volatile long limitBytes;
    private long inUse;
    private long cached;
    private long peak;
    private long requests;
    private long hits;
    private long driverAllocs;
    private long driverFrees;

    public CachingAllocator(String device, RawDeviceMemory raw, long limitBytes) {
        this.device = device;
        this.raw = raw;
        setLimit(limitBytes);
    }

    static long sizeClass(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot allocate a negative number of bytes: " + bytes);
        }
        long b = Math.max(bytes, 1);
        long round = b <= SMALL_LIMIT ? SMALL_ROUND : LARGE_ROUND;
        return Math.addExact(b, round - 1) / round * round;
    }

    public void setLimit(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("device memory limit must be > 0 bytes, got " + bytes);
        }
        this.limitBytes = bytes;
    }

    public DeviceBlock allocate(long bytes) {
        long size = sizeClass(bytes);
        synchronized (this) {
            requests++;
            ArrayDeque<Long> free = cache.get(size);
            if (free != null && !free.isEmpty()) {
                long address = free.pop();
                cached -= size;
                hits++;
                return take(address, size);
            }
        }
        long address = 0;
        if (fitsLimit(size)) {
            address = raw.allocate(size);
        }
        if (address == 0) {
            emptyCache();
            if (!fitsLimit(size)) {
                throw outOfMemory(bytes, "it would pass the limit");
            }
            address = raw.allocate(size);
            if (address == 0) {
                throw outOfMemory(bytes, "the driver has no room");
            }
        }
        synchronized (this) {
            driverAllocs++;
            return take(address, size);
        }
    }

    private synchronized boolean fitsLimit(long size) {
        return inUse + cached + size <= limitBytes;
    }

    private DeviceBlock take(long address, long size) {
        inUse += size;
        peak = Math.max(peak, inUse);
        return new DeviceBlock(this, address, size);
    }

    synchronized void release(DeviceBlock block) {
        inUse -= block.bytes();
        cached += block.bytes();
        cache.computeIfAbsent(block.bytes(), k -> new ArrayDeque<>()).push(block.address());
    }

    /** Gives every cached block back to the driver; returns the bytes freed. */
    public long emptyCache() {
        java.util.List<Long> addresses = new java.util.ArrayList<>();
        long freed = 0;
        synchronized (this) {
            for (Map.Entry<Long, ArrayDeque<Long>> e : cache.entrySet()) {
                for (long a : e.getValue()) {
                    addresses.add(a);
                    freed += e.getKey();
                }
            }
            cache.clear();
            cached -= freed;
            driverFrees += addresses.size();
        }
        for (long a : addresses) {
            raw.free(a);
        }
        return freed;
    }

    public synchronized AllocatorStats stats() {
        return new AllocatorStats(inUse, cached, peak, limitBytes, requests, hits, driverAllocs, driverFrees);
    }

    private CudaOutOfMemoryException outOfMemory(long asked, String why) {
        AllocatorStats s = stats();
        long free = raw.freeBytes();
        return new CudaOutOfMemoryException(device + " out of memory (" + why + "): asked for " + bytes(asked)
                + ", held by live tensors " + bytes(s.inUseBytes()) + ", cached " + bytes(s.cachedBytes())
                + ", limit " + bytes(s.limitBytes()) + ", device free " + bytes(free)
                + "; release tensors, lower the batch size or raise the limit (kindling.cuda.memory-limit-bytes)", asked);
    }

    static String bytes(long b) {
        if (b < 1L << 20) {
            return b + " B";
        }
        return String.format(java.util.Locale.ROOT, "%d B (%.1f MiB)", b, b / (double) (1L << 20));
    }
}
