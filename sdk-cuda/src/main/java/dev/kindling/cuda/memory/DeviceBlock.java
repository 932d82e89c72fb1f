package dev.kindling.cuda.memory;

/**
 * A block of device memory from a {@link CachingAllocator}. Closing it (or, for tensor storage, the
 * storage becoming unreachable) hands it back to the allocator's cache; it is released once only.
 */
public final class DeviceBlock implements AutoCloseable {

    private final CachingAllocator owner;
    private final long address;
    private final long bytes;
    private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

    DeviceBlock(CachingAllocator owner, long address, long bytes) {
        this.owner = owner;
        this.address = address;
        this.bytes = bytes;
    }

    public long address() {
        return address;
    }

    /** The block's size class (at least what was asked for). */
    public long bytes() {
        return bytes;
    }

    DevicePointer pointer() {
        return DevicePointer.at(address);
    }

    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            owner.release(this);
        }
    }
}
