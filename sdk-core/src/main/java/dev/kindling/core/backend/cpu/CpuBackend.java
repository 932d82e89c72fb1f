package dev.kindling.core.backend.cpu;

import dev.kindling.core.backend.BlasOps;
import dev.kindling.core.backend.ConvOps;
import dev.kindling.core.backend.PoolingOps;
import dev.kindling.core.backend.ElementwiseOps;
import dev.kindling.core.backend.EmbeddingOps;
import dev.kindling.core.backend.HostBackend;
import dev.kindling.core.backend.HsmOps;
import dev.kindling.core.backend.OptimOps;
import dev.kindling.core.backend.QuantizeOps;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.HostStorage;
import dev.kindling.core.tensor.Storage;
import dev.kindling.core.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * The CPU backend: always available, the fallback where no accelerator is, and the reference every
 * other backend is tested against. {@code Backends} finds it with {@link java.util.ServiceLoader} as the
 * {@link HostBackend}, so that the SPI package never names this one.
 */
public final class CpuBackend implements HostBackend {

    private final CpuKernels kernels;
    private final CpuTreePathKernels treePath;
    private final BlasOps blas;
    private final ElementwiseOps elementwise;
    private final EmbeddingOps embedding;
    private final OptimOps optim;
    private final HsmOps hsm;
    private final ConvOps conv;
    private final PoolingOps pooling;
    private final QuantizeOps quantize;

    /** The CPU backend with the preferred kernels (the Vector API when present). */
    public CpuBackend() {
        this(CpuKernels.preferred());
    }

    /** A CPU backend on the given kernels (benchmarks compare {@link CpuKernels#scalar()} with the preferred ones). */
    public CpuBackend(CpuKernels kernels) {
        this.kernels = kernels;
        this.treePath = new CpuTreePathKernels(kernels);
        this.blas = new CpuBlas(kernels);
        this.elementwise = new CpuElementwise();
        this.embedding = new CpuEmbedding(kernels);
        this.optim = new CpuOptim();
        this.hsm = new CpuHsm(kernels);
        this.conv = new CpuConv(blas, kernels);
        this.pooling = new CpuPooling();
        this.quantize = new CpuQuantize(kernels.name().startsWith("vector"));
    }

    @Override
    public CpuKernels kernels() {
        return kernels;
    }

    @Override
    public CpuTreePathKernels treePath() {
        return treePath;
    }

    @Override
    public HostStorage wrap(float[] data) {
        return CpuStorage.ofArray(data);
    }

    @Override
    public HostStorage allocateNative(long elements) {
        return CpuStorage.allocateNative(elements);
    }

    @Override
    public HostStorage map(Path file, long byteOffset, long elements, FileChannel.MapMode mode, Arena arena) throws IOException {
        return CpuStorage.map(file, byteOffset, elements, mode, arena);
    }

    @Override
    public String deviceType() {
        return "cpu";
    }

    @Override
    public Availability availability() {
        return Availability.yes();
    }

    @Override
    public Storage allocate(Device device, long elements) {
        if (!device.isCpu()) {
            throw new IllegalArgumentException("the CPU backend cannot allocate on " + device);
        }
        return CpuStorage.allocate(device, elements);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        checkCount(src.numel(), dst.numel());
        MemorySegment.copy(src.segment(), src.offset() * Float.BYTES, dst.segment(), dst.offset() * Float.BYTES,
                src.numel() * Float.BYTES);
    }

    @Override
    public void copyFromHost(MemorySegment src, long srcOffset, Tensor dst) {
        MemorySegment.copy(src, srcOffset * Float.BYTES, dst.segment(), dst.offset() * Float.BYTES, dst.numel() * Float.BYTES);
    }

    @Override
    public void copyToHost(Tensor src, MemorySegment dst, long dstOffset) {
        MemorySegment.copy(src.segment(), src.offset() * Float.BYTES, dst, dstOffset * Float.BYTES, src.numel() * Float.BYTES);
    }

    @Override
    public long countNonFinite(Tensor t) {
        MemorySegment s = t.segment();
        long bad = 0;
        for (long i = t.offset(), end = t.offset() + t.numel(); i < end; i++) {
            if (!Float.isFinite(s.getAtIndex(JAVA_FLOAT, i))) {
                bad++;
            }
        }
        return bad;
    }

    @Override
    public BlasOps blas() {
        return blas;
    }

    @Override
    public ElementwiseOps elementwise() {
        return elementwise;
    }

    @Override
    public EmbeddingOps embedding() {
        return embedding;
    }

    @Override
    public OptimOps optim() {
        return optim;
    }

    @Override
    public HsmOps hsm() {
        return hsm;
    }

    @Override
    public ConvOps conv() {
        return conv;
    }

    @Override
    public PoolingOps pooling() {
        return pooling;
    }

    @Override
    public QuantizeOps quantize() {
        return quantize;
    }

    private static void checkCount(long a, long b) {
        if (a != b) {
            throw new IllegalArgumentException("copy: element counts differ, " + a + " vs " + b);
        }
    }
}
