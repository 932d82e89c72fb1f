package dev.kindling.cuda.memory;

import jcuda.driver.CUdeviceptr;

/**
 * A {@link CUdeviceptr} that exposes its raw address, and can be made from one. JCuda passes a pointer to
 * the driver as its native pointer plus its byte offset, so an address is represented as offset
 * {@code address} from a null base; the raw address is what kernels and cuBLAS receive.
 */
public final class DevicePointer extends CUdeviceptr {

    private static final CUdeviceptr NULL = new CUdeviceptr();

    /** An empty pointer for {@code cuMemAlloc} to fill in. */
    public DevicePointer() {
    }

    private DevicePointer(long address) {
        super(NULL, address);
    }

    public static DevicePointer at(long address) {
        return new DevicePointer(address);
    }

    public long address() {
        return getNativePointer() + getByteOffset();
    }
}
