package dev.kindling.cuda.memory;

/** The driver's allocation calls as the {@link CachingAllocator} sees them (a fake stands in for tests). */
public interface RawDeviceMemory {

    /** A new block of {@code bytes}, or 0 when the device has no room. */
    long allocate(long bytes);

    void free(long address);

    /** Bytes the device reports free right now. */
    long freeBytes();
}
