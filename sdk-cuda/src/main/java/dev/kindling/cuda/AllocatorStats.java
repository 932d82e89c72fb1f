package dev.kindling.cuda;

/**
 * A snapshot of one device's caching allocator.
 *
 * @param inUseBytes        bytes of blocks held by live tensors and temporaries
 * @param cachedBytes       bytes of freed blocks kept for reuse
 * @param peakInUseBytes    the largest {@code inUseBytes} seen
 * @param limitBytes        the hard limit on in-use plus cached bytes
 * @param requests          allocation requests served
 * @param cacheHits         requests served from the cache without a driver call
 * @param driverAllocations blocks obtained from the driver
 * @param driverFrees       blocks given back to the driver (when the cache was emptied)
 */
public record AllocatorStats(long inUseBytes, long cachedBytes, long peakInUseBytes, long limitBytes, long requests, long cacheHits,
                             long driverAllocations, long driverFrees) {
}
