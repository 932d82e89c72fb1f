package dev.kindling.core.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Storage in host memory, which every CPU tensor has: a {@link MemorySegment} over a heap {@code float[]},
 * native memory or a memory-mapped file region, read and written in place by host code. The CPU backend
 * implements it; tensors and file readers see only this interface, never the backend's class.
 */
public interface HostStorage extends Storage {

    /** The elements, from the storage's first one (a tensor adds its own offset). */
    MemorySegment segment();

    /** Whether the memory lies outside the Java heap (native or memory-mapped). */
    boolean isNative();
}
