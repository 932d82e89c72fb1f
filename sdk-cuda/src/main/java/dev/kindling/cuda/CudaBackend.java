package dev.kindling.cuda;

import dev.kindling.core.backend.Backend;
import dev.kindling.core.backend.BlasOps;
import dev.kindling.core.backend.ConvOps;
import dev.kindling.core.backend.ElementwiseOps;
import dev.kindling.core.backend.EmbeddingOps;
import dev.kindling.core.backend.HsmOps;
import dev.kindling.core.backend.OptimOps;
import dev.kindling.core.backend.PoolingOps;
import dev.kindling.core.backend.QuantizeOps;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Storage;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.bindings.Cublas;
import dev.kindling.cuda.memory.DeviceBlock;
import dev.kindling.cuda.ops.CudaOps;
import dev.kindling.cuda.runtime.CudaDevice;
import dev.kindling.cuda.runtime.CudaDriver;
import dev.kindling.cuda.runtime.CudaStorage;
import dev.kindling.cuda.runtime.KernelArgs;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static dev.kindling.cuda.runtime.CudaStorage.address;

/**
 * The CUDA backend: tensors in GPU memory, ops as PTX kernels and cuBLAS GEMMs, all ordered on one
 * stream per device. Found by {@link java.util.ServiceLoader}; without a usable driver it reports itself
 * unavailable with the reason and Kindling runs on the CPU backend.
 */
public final class CudaBackend implements Backend {

    private final Availability availability;
    private final CudaDevice[] devices;
    private final BlasOps blas = CudaOps.blas();
    private final ElementwiseOps elementwise = CudaOps.elementwise();
    private final EmbeddingOps embedding = CudaOps.embedding();
    private final OptimOps optim = CudaOps.optim();
    private final HsmOps hsm = CudaOps.hsm();
    private final PoolingOps pooling = CudaOps.pooling();
    private final QuantizeOps quantize = CudaOps.quantize();
    private final ConvOps conv = CudaOps.conv();

    public CudaBackend() {
        CudaDriver.Probe probe = CudaDriver.probe();
        Availability a = probe.availability();
        CudaDevice[] ds = new CudaDevice[a.available() ? probe.deviceCount() : 0];
        if (a.available()) {
            // Opening device 0 loads our PTX: a driver that cannot JIT it is reported here, not at first use.
            try {
                ds[0] = new CudaDevice(0, probe.cublas());
            } catch (RuntimeException | LinkageError e) {
                a = Availability.no("cuda:0 could not be opened: " + e.getMessage());
                ds = new CudaDevice[0];
            }
        }
        this.availability = a;
        this.devices = ds;
        this.cublas = probe.cublas();
    }

    private final Cublas cublas;

    @Override
    public String deviceType() {
        return "cuda";
    }

    @Override
    public Availability availability() {
        return availability;
    }

    @Override
    public List<Device> devices() {
        List<Device> out = new ArrayList<>(devices.length);
        for (int i = 0; i < devices.length; i++) {
            out.add(Device.cuda(i));
        }
        return out;
    }

    /** The device for {@code d} (opened on first use). */
    CudaDevice device(Device d) {
        if (!availability.available()) {
            throw new UnsupportedOperationException("the CUDA backend is unavailable: " + availability.reason());
        }
        if (!d.type().equals("cuda") || d.index() >= devices.length) {
            throw new IllegalArgumentException("no CUDA device " + d + "; this machine has " + devices.length);
        }
        synchronized (devices) {
            if (devices[d.index()] == null) {
                devices[d.index()] = new CudaDevice(d.index(), cublas);
            }
            return devices[d.index()];
        }
    }

    /** The allocator statistics of {@code device}. */
    public AllocatorStats memoryStats(Device device) {
        return device(device).allocator().stats();
    }

    /** Sets the hard limit on device memory held (live plus cached) for {@code device}. */
    public void setMemoryLimit(Device device, long bytes) {
        device(device).allocator().setLimit(bytes);
    }

    /** Returns cached, unused blocks of {@code device} to the driver; the number of bytes freed. */
    public long emptyCache(Device device) {
        CudaDevice d = device(device);
        try (CudaDevice.Scope s = d.enter()) {
            return d.allocator().emptyCache();
        }
    }

    /** Waits until everything enqueued on {@code device} has run (for timing and tests). */
    @Override
    public void synchronize(Device device) {
        CudaDevice d = device(device);
        try (CudaDevice.Scope s = d.enter()) {
            d.sync();
        }
    }

    /** The device's name as the driver reports it, e.g. "NVIDIA H100 80GB HBM3". */
    public String deviceName(Device device) {
        return device(device).name();
    }

    @Override
    public Storage allocate(Device device, long elements) {
        CudaDevice d = device(device);
        try (CudaDevice.Scope s = d.enter()) {
            DeviceBlock block = d.allocate(elements * Float.BYTES);
            d.zero(block.address(), elements * Float.BYTES);
            return new CudaStorage(d, block, elements);
        }
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        if (src.numel() != dst.numel()) {
            throw new IllegalArgumentException("copy: element counts differ, " + src.numel() + " vs " + dst.numel());
        }
        CudaDevice sd = CudaDevice.of(src), dd = CudaDevice.of(dst);
        if (sd == dd) {
            try (CudaDevice.Scope s = dd.enter()) {
                dd.copyDeviceToDevice(address(src), address(dst), src.numel() * Float.BYTES);
            }
        } else {
            // Between GPUs through the host: simple and always allowed (peer access may be off).
            Tensor host = Tensor.zeros(src.shape());
            copyToHost(src, host.segment(), host.offset());
            copyFromHost(host.segment(), host.offset(), dst);
        }
    }

    @Override
    public void copyFromHost(MemorySegment src, long srcOffset, Tensor dst) {
        CudaDevice d = CudaDevice.of(dst);
        try (CudaDevice.Scope s = d.enter()) {
            d.upload(src, srcOffset * Float.BYTES, address(dst), dst.numel() * Float.BYTES);
        }
    }

    @Override
    public void copyToHost(Tensor src, MemorySegment dst, long dstOffset) {
        CudaDevice d = CudaDevice.of(src);
        try (CudaDevice.Scope s = d.enter()) {
            d.download(address(src), dst, dstOffset * Float.BYTES, src.numel() * Float.BYTES);
        }
    }

    @Override
    public long countNonFinite(Tensor t) {
        CudaDevice d = CudaDevice.of(t);
        try (CudaDevice.Scope s = d.enter(); DeviceBlock count = d.allocate(Long.BYTES)) {
            d.zero(count.address(), Long.BYTES);
            d.launch(d.kernel("blas", "count_nonfinite_f32"), d.grid(t.numel(), 256), 256,
                    KernelArgs.of().ptr(address(t)).l(t.numel()).ptr(count.address()));
            long[] out = new long[1];
            d.download(count.address(), MemorySegment.ofArray(out), 0, Long.BYTES);
            return out[0];
        }
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
    public PoolingOps pooling() {
        return pooling;
    }

    @Override
    public QuantizeOps quantize() {
        return quantize;
    }

    @Override
    public ConvOps conv() {
        return conv;
    }
}
