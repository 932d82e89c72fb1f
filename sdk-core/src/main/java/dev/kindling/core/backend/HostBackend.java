package dev.kindling.core.backend;

import dev.kindling.core.tensor.HostStorage;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The backend of the host (the CPU backend), and the one door to its internals: besides the {@link Backend}
 * ops it makes host storage (wrapped arrays, native memory, mapped files) and hands out the host kernels
 * for the loops that upper layers run on host tensors themselves (sparse embedding updates, tree-softmax
 * paths). Obtain it from {@link Backends#cpu()}; its implementation stays in {@code backend.cpu}, which
 * nothing else names, so the kernels can change without touching their callers.
 */
public interface HostBackend extends Backend {

    /** Storage over {@code data} itself (no copy). */
    HostStorage wrap(float[] data);

    /** Zero-filled native (off-heap) storage, freed when no longer reachable. */
    HostStorage allocateNative(long elements);

    /**
     * Maps {@code elements} little-endian floats of {@code file} from byte {@code byteOffset} (4-byte
     * aligned). {@link FileChannel.MapMode#PRIVATE} gives a writable copy-on-write view whose writes never
     * reach the file.
     */
    HostStorage map(Path file, long byteOffset, long elements, FileChannel.MapMode mode, Arena arena) throws IOException;

    /** The dot/axpy/GEMM loops, chosen once per JVM. */
    HostKernels kernels();

    /** The binary-tree softmax loops on {@link #kernels()}. */
    TreePathKernels treePath();
}
