package dev.kindling.core.serving.accelerator;

import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.HostStorage;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Host memory that says it lives on the stand-in accelerator, so the CPU kernels can compute on it. */
final class StandInStorage implements HostStorage {

    private final MemorySegment segment;
    private final Device device;

    StandInStorage(Device device, long elements) {
        this.device = device;
        this.segment = Arena.ofAuto().allocate(Math.max(1, elements) * Float.BYTES, 64).asSlice(0, elements * Float.BYTES);
    }

    @Override
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public boolean isNative() {
        return true;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public long elements() {
        return segment.byteSize() / Float.BYTES;
    }
}
