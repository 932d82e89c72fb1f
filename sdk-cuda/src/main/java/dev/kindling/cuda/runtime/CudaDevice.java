package dev.kindling.cuda.runtime;

import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.CudaException;
import dev.kindling.cuda.bindings.Check;
import dev.kindling.cuda.bindings.Cublas;
import dev.kindling.cuda.memory.CachingAllocator;
import dev.kindling.cuda.memory.DeviceBlock;
import dev.kindling.cuda.memory.DevicePointer;
import dev.kindling.cuda.memory.PinnedStaging;
import dev.kindling.cuda.memory.RawDeviceMemory;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One GPU as the backend uses it: the device's primary context (shared with the CUDA runtime and so with
 * cuBLAS), one stream on which every kernel, copy and GEMM of this device is ordered, the caching
 * allocator, pinned staging buffers, the loaded PTX modules and a cuBLAS handle.
 *
 * <p>Callers enqueue work inside {@link #enter()}: it takes the device lock (enqueueing is cheap; the
 * GPU runs asynchronously) and makes the context current on the calling thread.
 */
public final class CudaDevice {

    /** Synchronize after every launch and check its status (set in tests: a fault then names its kernel). */
    public static final boolean SYNC_LAUNCHES = Boolean.getBoolean("kindling.cuda.sync-launches");

    private static final ThreadLocal<CudaDevice> CURRENT = new ThreadLocal<>();
    private static final int STAGING_SLOTS = 4;
    private static final long STAGING_SLOT_BYTES = 4L << 20;

    private final int index;
    private final Device device;
    private final CUdevice cuDevice = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CudaStream stream = new CudaStream();
    private final ReentrantLock lock = new ReentrantLock();
    private final String name;
    private final long totalBytes;
    private final int multiprocessors;
    private final CachingAllocator allocator;
    private final KernelModules modules = new KernelModules();
    private PinnedStaging staging;
    private Cublas cublas;
    private MemorySegment cublasHandle;
    private final MemorySegment gemmScalars = Arena.global().allocate(8, 8);

    public CudaDevice(int index, Cublas cublas) {
        this.index = index;
        this.device = Device.cuda(index);
        this.cublas = cublas;
        Check.cu(JCudaDriver.cuDeviceGet(cuDevice, index), "cuDeviceGet(" + index + ")");
        Check.cu(JCudaDriver.cuDevicePrimaryCtxRetain(context, cuDevice), "cuDevicePrimaryCtxRetain(" + index + ")");
        byte[] nameBytes = new byte[256];
        Check.cu(JCudaDriver.cuDeviceGetName(nameBytes, nameBytes.length, cuDevice), "cuDeviceGetName");
        int len = 0;
        while (len < nameBytes.length && nameBytes[len] != 0) {
            len++;
        }
        this.name = new String(nameBytes, 0, len, java.nio.charset.StandardCharsets.US_ASCII);
        long[] total = new long[1];
        Check.cu(JCudaDriver.cuDeviceTotalMem(total, cuDevice), "cuDeviceTotalMem");
        this.totalBytes = total[0];
        int[] sm = new int[1];
        Check.cu(JCudaDriver.cuDeviceGetAttribute(sm, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, cuDevice),
                "cuDeviceGetAttribute(multiprocessors)");
        this.multiprocessors = sm[0];
        long limit = Long.getLong("kindling.cuda.memory-limit-bytes", totalBytes);
        this.allocator = new CachingAllocator(device.toString(), new DriverMemory(), limit);
        try (Scope s = enter()) {
            Check.cu(JCudaDriver.cuStreamCreate(stream, jcuda.driver.CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
            staging = new PinnedStaging(stream, STAGING_SLOTS, STAGING_SLOT_BYTES);
            modules.loadAll();
        }
    }

    /** Holds the device lock with the context current; closing restores the thread's previous device. */
    public final class Scope implements AutoCloseable {
        private final CudaDevice previous;

        private Scope(CudaDevice previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (previous != null && previous != CudaDevice.this) {
                Check.cu(JCudaDriver.cuCtxSetCurrent(previous.context), "cuCtxSetCurrent");
                CURRENT.set(previous);
            }
            lock.unlock();
        }
    }

    public Scope enter() {
        lock.lock();
        CudaDevice previous = CURRENT.get();
        if (previous != this) {
            try {
                Check.cu(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent(" + device + ")");
            } catch (RuntimeException e) {
                lock.unlock();
                throw e;
            }
            CURRENT.set(this);
        }
        return new Scope(previous);
    }

    public Device device() {
        return device;
    }

    /** The device that holds {@code t}; fails when t is not in CUDA memory. */
    public static CudaDevice of(Tensor t) {
        return CudaStorage.of(t).cudaDevice();
    }

    int index() {
        return index;
    }

    public String name() {
        return name;
    }

    long totalBytes() {
        return totalBytes;
    }

    public CachingAllocator allocator() {
        return allocator;
    }

    public CudaStream stream() {
        return stream;
    }

    public Kernel kernel(String module, String name) {
        return modules.kernel(module, name);
    }

    /** A grid that covers n items with {@code block} threads each, capped (kernels use grid-stride loops). */
    public int grid(long n, int block) {
        long blocks = (n + block - 1) / block;
        return (int) Math.max(1, Math.min(blocks, (long) multiprocessors * 32));
    }

    public void launch(Kernel k, int grid, int block, KernelArgs args) {
        launch(k, grid, block, 0, args);
    }

    public void launch(Kernel k, int grid, int block, int sharedBytes, KernelArgs args) {
        int status = JCudaDriver.cuLaunchKernel(k.function(), grid, 1, 1, block, 1, 1, sharedBytes, stream, args.pointer(), null);
        if (status != 0) {
            throw new CudaException("kernel " + k + " failed to launch (grid " + grid + ", block " + block + "): "
                    + Check.errorName(status) + " (" + status + ")");
        }
        if (SYNC_LAUNCHES) {
            int s = JCudaDriver.cuStreamSynchronize(stream);
            if (s != 0) {
                throw new CudaException("kernel " + k + " failed while running: " + Check.errorName(s) + " (" + s + ")");
            }
        }
    }

    /** Waits for everything enqueued on this device's stream; a deferred kernel fault surfaces here. */
    public void sync() {
        Check.cu(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize(" + device + ")");
    }

    public DeviceBlock allocate(long bytes) {
        return allocator.allocate(bytes);
    }

    public void zero(long address, long bytes) {
        if (bytes == 0) {
            return;
        }
        if (bytes % 4 == 0 && address % 4 == 0) {
            Check.cu(JCudaDriver.cuMemsetD32Async(DevicePointer.at(address), 0, bytes / 4, stream), "cuMemsetD32Async");
        } else {
            Check.cu(JCudaDriver.cuMemsetD8Async(DevicePointer.at(address), (byte) 0, bytes, stream), "cuMemsetD8Async");
        }
    }

    public void copyDeviceToDevice(long src, long dst, long bytes) {
        if (bytes > 0) {
            Check.cu(JCudaDriver.cuMemcpyDtoDAsync(DevicePointer.at(dst), DevicePointer.at(src), bytes, stream), "cuMemcpyDtoDAsync");
        }
    }

    public void upload(MemorySegment src, long srcByteOffset, long dst, long bytes) {
        staging.upload(src, srcByteOffset, dst, bytes);
    }

    public void download(long src, MemorySegment dst, long dstByteOffset, long bytes) {
        staging.download(src, dst, dstByteOffset, bytes);
    }

    /** A temporary device copy of {@code data}; close it after the last kernel that reads it is enqueued. */
    public DeviceBlock upload(int[] data) {
        DeviceBlock b = allocate((long) data.length * Integer.BYTES);
        upload(MemorySegment.ofArray(data), 0, b.address(), (long) data.length * Integer.BYTES);
        return b;
    }

    public DeviceBlock upload(long[] data) {
        DeviceBlock b = allocate((long) data.length * Long.BYTES);
        upload(MemorySegment.ofArray(data), 0, b.address(), (long) data.length * Long.BYTES);
        return b;
    }

    public int[] downloadInts(long src, int count) {
        int[] out = new int[count];
        download(src, MemorySegment.ofArray(out), 0, (long) count * Integer.BYTES);
        return out;
    }

    public double[] downloadDoubles(long src, int count) {
        double[] out = new double[count];
        download(src, MemorySegment.ofArray(out), 0, (long) count * Double.BYTES);
        return out;
    }

    /** Row-major GEMM on this device's stream (see {@code CudaBlas.gemm}); addresses are byte addresses. */
    public void gemmRowMajor(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long b, int ldb,
                      float beta, long c, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        MemorySegment handle = cublasHandle();
        // Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: swap the operands, keep the ops.
        cublas.sgemm(handle, transB ? Cublas.OP_T : Cublas.OP_N, transA ? Cublas.OP_T : Cublas.OP_N, n, m, k, alpha,
                b, ldb, a, lda, beta, c, ldc, gemmScalars);
        if (SYNC_LAUNCHES) {
            sync();
        }
    }

    /** This device's cuBLAS handle, on our stream (made on first use); call inside {@link #enter()}. */
    public MemorySegment cublasHandle() {
        if (cublasHandle == null) {
            cublasHandle = cublas.createHandle(stream.handle());
        }
        return cublasHandle;
    }

    public String cublasLibrary() {
        return cublas.library();
    }

    @Override
    public String toString() {
        return device + " (" + name + ", " + (totalBytes >> 20) + " MiB)";
    }

    /** The driver's allocation calls, for the allocator; run with this device's context current. */
    private final class DriverMemory implements RawDeviceMemory {

        @Override
        public long allocate(long bytes) {
            try (Scope s = enter()) {
                DevicePointer p = new DevicePointer();
                int status = JCudaDriver.cuMemAlloc(p, bytes);
                if (status == jcuda.driver.CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
                    return 0;
                }
                Check.cu(status, "cuMemAlloc(" + bytes + ")");
                return p.address();
            }
        }

        @Override
        public void free(long address) {
            try (Scope s = enter()) {
                // Cached blocks may still be read by enqueued work: wait before handing them back.
                sync();
                Check.cu(JCudaDriver.cuMemFree(DevicePointer.at(address)), "cuMemFree");
            }
        }

        @Override
        public long freeBytes() {
            try (Scope s = enter()) {
                long[] free = new long[1], total = new long[1];
                Check.cu(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
                return free[0];
            }
        }
    }
}
