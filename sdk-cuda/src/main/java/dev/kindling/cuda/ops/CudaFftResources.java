package dev.kindling.cuda.ops;

import dev.kindling.cuda.CudaException;
import dev.kindling.cuda.bindings.Cublas;
import dev.kindling.cuda.bindings.CublasComplex;
import dev.kindling.cuda.bindings.Cufft;
import dev.kindling.cuda.memory.DeviceBlock;
import dev.kindling.cuda.runtime.CudaDevice;
import dev.kindling.cuda.runtime.KernelArgs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One device's resources for FFT convolutions: a cuBLAS handle on the device's stream, cuFFT plans cached
 * per (type, grid, batch, layout), one cuFFT work area shared by every plan (they run one after another
 * on the same stream) and scratch buffers grown to the largest shape seen. Everything comes from the
 * device's caching allocator, so it counts against its memory limit. Used only inside the device's
 * {@link CudaDevice#enter() scope}; closed by {@link CudaFftConv#close()}.
 */
final class CudaFftResources {

    /** Scratch buffers; INPUT and WEIGHT hold spectra only for calls without a workspace. */
    enum Slot { REAL, INPUT, WEIGHT, GRAD_OUTPUT, PRODUCTS, TRANSPOSE }

    private record PlanKey(int type, int rows, int cols, long planes, boolean strided) {
    }

    private static final int BLOCK = 256;

    private final CudaDevice device;
    private final Cufft cufft;
    private final CublasComplex blas;
    private final MemorySegment cublasHandle;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scalars = arena.allocate(16, 8);
    private final Map<PlanKey, Cufft.Plan> plans = new HashMap<>();
    private final EnumMap<Slot, DeviceBlock> scratch = new EnumMap<>(Slot.class);
    private DeviceBlock workArea;
    private boolean closed;

    /** Makes the handles; the device's context must be current. */
    CudaFftResources(CudaDevice device, Cufft cufft, Cublas cublas) {
        this.device = device;
        this.cufft = cufft;
        this.blas = new CublasComplex(cublas);
        this.cublasHandle = cublas.createHandle(device.stream().handle());
    }

    CudaDevice device() {
        return device;
    }

    /** The address of scratch {@code slot}, grown to at least {@code bytes} (old contents are not kept). */
    long scratch(Slot slot, long bytes) {
        DeviceBlock b = scratch.get(slot);
        if (b == null || b.bytes() < bytes) {
            if (b != null) {
                b.close();
            }
            b = device.allocate(Math.max(bytes, 1));
            scratch.put(slot, b);
        }
        return b.address();
    }

    private Cufft.Plan plan(int type, FftConvShape s, long planes, boolean strided) {
        PlanKey key = new PlanKey(type, s.rows(), s.cols(), planes, strided);
        Cufft.Plan p = plans.get(key);
        if (p != null) {
            return p;
        }
        long freqs = s.freqs();
        // Strided: element (y, x) of plane b's spectrum at (y·(cols/2+1) + x)·planes + b, i.e. [freq][plane].
        p = strided ? cufft.makePlan2d(type, s.rows(), s.cols(), 1, (long) s.rows() * s.cols(), planes, 1, planes, device.stream().handle())
                : cufft.makePlan2d(type, s.rows(), s.cols(), 1, (long) s.rows() * s.cols(), 1, freqs, planes, device.stream().handle());
        plans.put(key, p);
        long need = Math.max(p.workBytes(), 1);
        if (workArea == null || workArea.bytes() < need) {
            // A bigger shared work area: every plan is pointed at it (work already enqueued keeps the old
            // block, which the allocator hands out again only to work enqueued after it).
            if (workArea != null) {
                workArea.close();
            }
            workArea = device.allocate(need);
            for (Cufft.Plan q : plans.values()) {
                cufft.setWorkArea(q.handle(), workArea.address());
            }
        } else {
            cufft.setWorkArea(p.handle(), workArea.address());
        }
        return p;
    }

    /**
     * Real planes [planes][rows][cols] at {@code real} to spectra [freq][plane] at {@code spectrum}: one
     * strided cuFFT call, or a natural-layout cuFFT call and a transpose.
     */
    void forward(FftConvShape s, long real, long planes, long spectrum, boolean strided, String what) {
        if (strided) {
            cufft.execR2C(plan(Cufft.R2C, s, planes, true).handle(), real, spectrum, what);
            synced("cufftExecR2C(" + what + ")");
        } else {
            long t = scratch(Slot.TRANSPOSE, s.spectrumBytes(planes));
            cufft.execR2C(plan(Cufft.R2C, s, planes, false).handle(), real, t, what);
            synced("cufftExecR2C(" + what + ")");
            transpose(t, planes, s.freqs(), spectrum);
        }
    }

    /** Spectra [freq][plane] at {@code spectrum} (overwritten) to real planes [planes][rows][cols], unnormalized. */
    void inverse(FftConvShape s, long spectrum, long planes, long real, boolean strided, String what) {
        if (strided) {
            cufft.execC2R(plan(Cufft.C2R, s, planes, true).handle(), spectrum, real, what);
        } else {
            long t = scratch(Slot.TRANSPOSE, s.spectrumBytes(planes));
            transpose(spectrum, s.freqs(), planes, t);
            cufft.execC2R(plan(Cufft.C2R, s, planes, false).handle(), t, real, what);
        }
        synced("cufftExecC2R(" + what + ")");
    }

    /** dst = the rows × cols complex matrix src transposed. */
    void transpose(long src, long rows, long cols, long dst) {
        long tiles = (rows + 31) / 32 * ((cols + 31) / 32);
        device.launch(device.kernel("fftconv", "fft_transpose_c"), device.grid(tiles * BLOCK, BLOCK), BLOCK,
                KernelArgs.of().ptr(src).l(rows).l(cols).ptr(dst));
    }

    /** Per frequency: C = alpha · op(A) op(B), column-major, see {@link CublasComplex}. */
    void gemm(boolean threeM, int opA, int opB, int m, int n, int k, long a, int lda, long strideA, long b, int ldb, long strideB,
              long c, int ldc, long strideC, int freqs, String what) {
        blas.gemmStridedBatched(cublasHandle, threeM, opA, opB, m, n, k, 1f, a, lda, strideA, b, ldb, strideB, c, ldc, strideC, freqs,
                scalars);
        synced("complex GEMM (" + what + ")");
    }

    /** With -Dkindling.cuda.sync-launches=true, a library call's deferred fault is reported as that call's. */
    private void synced(String what) {
        if (CudaDevice.SYNC_LAUNCHES) {
            try {
                device.sync();
            } catch (CudaException e) {
                throw new CudaException(what + " failed while running: " + e.getMessage(), e);
            }
        }
    }

    int cachedPlans() {
        return plans.size();
    }

    /** Destroys the plans and the cuBLAS handle and hands the buffers back; the context must be current. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        device.sync();
        List<RuntimeException> failures = new ArrayList<>();
        for (Cufft.Plan p : plans.values()) {
            try {
                cufft.destroy(p.handle());
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        plans.clear();
        try {
            blas.destroy(cublasHandle);
        } catch (RuntimeException e) {
            failures.add(e);
        }
        scratch.values().forEach(DeviceBlock::close);
        scratch.clear();
        if (workArea != null) {
            workArea.close();
            workArea = null;
        }
        arena.close();
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }
}
