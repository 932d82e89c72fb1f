package dev.kindling.core.backend.cpu;

import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.HostStorage;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Host memory for CPU tensors: a heap {@code float[]} for ordinary sizes, native memory for tensors
 * beyond Java array limits or asked for explicitly, or a memory-mapped file region. Every kernel sees a
 * {@link MemorySegment}, so all three are handled by the same code.
 */
public final class CpuStorage implements HostStorage {

    /** Largest element count placed on the Java heap by default. */
    static final long MAX_HEAP_ELEMENTS = Integer.MAX_VALUE - 8;

    private final MemorySegment segment;
    private final Device device;

    private CpuStorage(MemorySegment segment, Device device) {
        if (segment.byteSize() % Float.BYTES != 0) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes is not a whole number of floats");
        }
        this.segment = segment;
        this.device = device;
    }

    /** Zero-filled storage: on the heap when it fits a Java array, in native memory otherwise. */
    public static CpuStorage allocate(Device device, long elements) {
        if (elements <= MAX_HEAP_ELEMENTS) {
            return new CpuStorage(MemorySegment.ofArray(new float[(int) elements]), device);
        }
        return new CpuStorage(Arena.ofAuto().allocate(elements * Float.BYTES, 64), device);
    }

    /** Zero-filled native (off-heap) storage, freed when no longer reachable. */
    public static CpuStorage allocateNative(long elements) {
        return new CpuStorage(Arena.ofAuto().allocate(Math.max(1, elements) * Float.BYTES, 64).asSlice(0, elements * Float.BYTES), Device.CPU);
    }

    public static CpuStorage ofArray(float[] data) {
        return new CpuStorage(MemorySegment.ofArray(data), Device.CPU);
    }

    /** Wraps an existing segment (native, heap or mapped); its size must be a multiple of 4 bytes. */
    public static CpuStorage ofSegment(MemorySegment segment) {
        return new CpuStorage(segment, Device.CPU);
    }

    /**
     * Maps {@code elements} floats of {@code file} starting at byte {@code byteOffset} (little-endian on
     * disk, 4-byte aligned). {@link FileChannel.MapMode#PRIVATE} gives a writable copy-on-write view: the
     * OS pages rows in as they are read, and writes (fine-tuning) never reach the file.
     */
    public static CpuStorage map(Path file, long byteOffset, long elements, FileChannel.MapMode mode, Arena arena) throws IOException {
        if (!ValueLayout.JAVA_FLOAT.order().equals(java.nio.ByteOrder.LITTLE_ENDIAN)) {
            throw new UnsupportedOperationException("memory-mapped tensors need a little-endian platform");
        }
        if (byteOffset % Float.BYTES != 0) {
            throw new IllegalArgumentException("cannot map floats at unaligned file offset " + byteOffset + " of " + file);
        }
        // Java maps copy-on-write (PRIVATE) only through a channel open for writing, though nothing is written.
        try (FileChannel ch = mode != FileChannel.MapMode.READ_ONLY
                ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment seg = ch.map(mode, byteOffset, elements * Float.BYTES, arena);
            return new CpuStorage(seg, Device.CPU);
        }
    }

    @Override
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public boolean isNative() {
        return segment.isNative() || segment.isMapped();
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
