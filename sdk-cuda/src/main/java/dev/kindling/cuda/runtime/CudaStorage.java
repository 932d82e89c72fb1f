package dev.kindling.cuda.runtime;

import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Storage;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.memory.DeviceBlock;

import java.lang.ref.Cleaner;

/**
 * Device memory behind CUDA tensors: a block of the device's caching allocator, handed back to its cache
 * when the storage is no longer reachable (no driver call, so the cleaner thread never blocks on the GPU).
 */
public final class CudaStorage implements Storage {

    private static final Cleaner CLEANER = Cleaner.create();

    private final CudaDevice device;
    private final DeviceBlock block;
    private final long elements;

    public CudaStorage(CudaDevice device, DeviceBlock block, long elements) {
        this.device = device;
        this.block = block;
        this.elements = elements;
        CLEANER.register(this, block::close);
    }

    @Override
    public Device device() {
        return device.device();
    }

    @Override
    public long elements() {
        return elements;
    }

    /** The device address of the first element. */
    public long address() {
        return block.address();
    }

    CudaDevice cudaDevice() {
        return device;
    }

    /** The CUDA storage of {@code t}; fails when t lives elsewhere. */
    static CudaStorage of(Tensor t) {
        if (!(t.storage() instanceof CudaStorage s)) {
            throw new IllegalArgumentException("tensor on " + t.device() + " passed to the CUDA backend; move it with to(cuda:N) first");
        }
        return s;
    }

    /** The device address of {@code t}'s first element. */
    public static long address(Tensor t) {
        return of(t).address() + t.offset() * Float.BYTES;
    }

    /** The address of an optional tensor, 0 for null. */
    public static long addressOrNull(Tensor t) {
        return t == null ? 0 : address(t);
    }
}
