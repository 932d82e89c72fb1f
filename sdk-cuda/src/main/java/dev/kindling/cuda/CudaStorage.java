package dev.kindling.cuda;

import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Storage;

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

    CudaStorage(CudaDevice device, DeviceBlock block, long elements) {
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
}
