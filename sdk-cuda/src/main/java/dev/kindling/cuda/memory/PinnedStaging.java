package dev.kindling.cuda.memory;

import dev.kindling.cuda.bindings.Check;
import jcuda.driver.CUevent;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.lang.foreign.MemorySegment;

/**
 * Page-locked host buffers through which every host↔device transfer of one device goes: the DMA engine
 * reads pinned memory directly, and uploads become asynchronous (the host copies into a slot and moves
 * on; an event per slot says when the slot may be refilled). Heap arrays, native and memory-mapped
 * segments are all staged the same way. Not thread-safe: used under the device lock.
 */
public final class PinnedStaging {

    private final CUstream stream;
    private final HostPointer[] slots;
    private final MemorySegment[] segments;
    private final CUevent[] done;
    private final long slotBytes;
    private int next;

    public PinnedStaging(CUstream stream, int slotCount, long slotBytes) {
        this.stream = stream;
        this.slotBytes = slotBytes;
        this.slots = new HostPointer[slotCount];
        this.segments = new MemorySegment[slotCount];
        this.done = new CUevent[slotCount];
        for (int i = 0; i < slotCount; i++) {
            slots[i] = new HostPointer();
            Check.cu(JCudaDriver.cuMemAllocHost(slots[i], slotBytes), "cuMemAllocHost(" + slotBytes + ")");
            segments[i] = MemorySegment.ofAddress(slots[i].address()).reinterpret(slotBytes);
            done[i] = new CUevent();
            Check.cu(JCudaDriver.cuEventCreate(done[i], jcuda.driver.CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate");
        }
    }

    private int take() {
        int i = next;
        next = (next + 1) % slots.length;
        Check.cu(JCudaDriver.cuEventSynchronize(done[i]), "cuEventSynchronize (staging slot)");
        return i;
    }

    /** Enqueues a copy of {@code bytes} from host {@code src} at byte {@code srcOffset} to device address {@code dst}. */
    public void upload(MemorySegment src, long srcOffset, long dst, long bytes) {
        for (long off = 0; off < bytes; off += slotBytes) {
            long n = Math.min(slotBytes, bytes - off);
            int i = take();
            MemorySegment.copy(src, srcOffset + off, segments[i], 0, n);
            Check.cu(JCudaDriver.cuMemcpyHtoDAsync(DevicePointer.at(dst + off), slots[i], n, stream), "cuMemcpyHtoDAsync");
            Check.cu(JCudaDriver.cuEventRecord(done[i], stream), "cuEventRecord");
        }
    }

    /**
     * Copies {@code bytes} from device address {@code src} into host {@code dst} at byte {@code dstOffset};
     * returns when the data is in {@code dst}. Chunks are double-buffered: the next one is in flight while
     * the previous one is copied out.
     */
    public void download(long src, MemorySegment dst, long dstOffset, long bytes) {
        long chunks = (bytes + slotBytes - 1) / slotBytes;
        int[] slotOf = new int[2];
        for (long c = 0; c < chunks + 1; c++) {
            if (c < chunks) {
                long off = c * slotBytes;
                int i = take();
                slotOf[(int) (c & 1)] = i;
                Check.cu(JCudaDriver.cuMemcpyDtoHAsync(slots[i], DevicePointer.at(src + off), Math.min(slotBytes, bytes - off), stream),
                        "cuMemcpyDtoHAsync");
                Check.cu(JCudaDriver.cuEventRecord(done[i], stream), "cuEventRecord");
            }
            if (c > 0) {
                long prev = c - 1, off = prev * slotBytes;
                int i = slotOf[(int) (prev & 1)];
                Check.cu(JCudaDriver.cuEventSynchronize(done[i]), "cuEventSynchronize (download)");
                MemorySegment.copy(segments[i], 0, dst, dstOffset + off, Math.min(slotBytes, bytes - off));
            }
        }
    }
}
