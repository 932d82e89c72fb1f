package dev.kindling.cuda.bindings;

import dev.kindling.cuda.CudaException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * cuFFT bound with java.lang.foreign (JCufft needs CUDA 11's libcufft.so.10; see gpu.md). Probed by
 * soname, newest first, then in the usual install folders, like {@link Cublas}. cuFFT uses the runtime
 * API, which runs in the device's primary context, the one our driver-API code uses, so its plans see
 * our allocations; {@code cufftSetStream} orders its kernels on our stream.
 *
 * <p>Plans are made with {@code cufftCreate} + {@code cufftSetAutoAllocation(0)} +
 * {@code cufftMakePlanMany64}, so that the caller provides the work area (from our caching allocator,
 * under its memory limit) with {@code cufftSetWorkArea}. Every status is checked; a failure is a
 * {@link CudaException} naming the call and its arguments.
 */
public final class Cufft {

    static final List<String> SONAMES = List.of("libcufft.so.12", "libcufft.so.11", "libcufft.so.10", "libcufft.so");

    /** cufftType values. */
    public static final int R2C = 0x2a;
    public static final int C2R = 0x2c;

    private static volatile Cufft loaded;

    private final String library;
    private final MethodHandle create;
    private final MethodHandle setAutoAllocation;
    private final MethodHandle makePlanMany64;
    private final MethodHandle setWorkArea;
    private final MethodHandle setStream;
    private final MethodHandle execR2C;
    private final MethodHandle execC2R;
    private final MethodHandle destroy;
    private final MethodHandle getVersion;

    private Cufft(String library, SymbolLookup lookup) {
        this.library = library;
        Linker linker = Linker.nativeLinker();
        create = linker.downcallHandle(find(lookup, "cufftCreate"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        setAutoAllocation = linker.downcallHandle(find(lookup, "cufftSetAutoAllocation"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        // (plan, rank, long long *n, long long *inembed, istride, idist, long long *onembed, ostride, odist, type, batch, size_t *work)
        makePlanMany64 = linker.downcallHandle(find(lookup, "cufftMakePlanMany64"), FunctionDescriptor.of(JAVA_INT,
                JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS));
        setWorkArea = linker.downcallHandle(find(lookup, "cufftSetWorkArea"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        setStream = linker.downcallHandle(find(lookup, "cufftSetStream"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        execR2C = linker.downcallHandle(find(lookup, "cufftExecR2C"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        execC2R = linker.downcallHandle(find(lookup, "cufftExecC2R"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        destroy = linker.downcallHandle(find(lookup, "cufftDestroy"), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        getVersion = linker.downcallHandle(find(lookup, "cufftGetVersion"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new CudaException("cuFFT symbol " + name + " not found"));
    }

    /** The first cuFFT that opens, loaded once per JVM; fails with every name and folder tried. */
    public static Cufft get() {
        Cufft c = loaded;
        if (c == null) {
            synchronized (Cufft.class) {
                c = loaded;
                if (c == null) {
                    c = load();
                    loaded = c;
                }
            }
        }
        return c;
    }

    private static Cufft load() {
        return CudaLibraryProbe.load("cuFFT", SONAMES, Cufft::new);
    }

    String library() {
        return library;
    }

    int version() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_INT);
            check((int) getVersion.invokeExact(out), "cufftGetVersion");
            return out.get(JAVA_INT, 0);
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            throw new CudaException("cufftGetVersion call failed", t);
        }
    }

    /**
     * A batched 2-d plan of {@code type} over {@code rows × cols} real points (its half spectrum is
     * rows × (cols/2 + 1) complex values), with the advanced layout: element (y, x) of transform b is at
     * {@code b·dist + (y·embedCols + x)·stride} of its array, where embedCols is cols for real arrays and
     * cols/2 + 1 for complex ones. Strides and distances count elements (floats or complex pairs). The
     * plan runs on {@code stream} and has no work area until {@link #setWorkArea}; returns the handle and
     * the work area size it needs.
     */
    public Plan makePlan2d(int type, int rows, int cols, long realStride, long realDist, long complexStride, long complexDist,
                    long batch, long stream) {
        String what = "cufftMakePlanMany64(" + (type == R2C ? "R2C" : "C2R") + " " + rows + "x" + cols + ", batch " + batch
                + ", real stride/dist " + realStride + "/" + realDist + ", complex stride/dist " + complexStride + "/" + complexDist + ")";
        int handle;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = a.allocate(JAVA_INT);
            check((int) create.invokeExact(h), "cufftCreate");
            handle = h.get(JAVA_INT, 0);
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            throw new CudaException("cufftCreate call failed", t);
        }
        try (Arena a = Arena.ofConfined()) {
            check((int) setAutoAllocation.invokeExact(handle, 0), "cufftSetAutoAllocation");
            MemorySegment n = a.allocateFrom(JAVA_LONG, rows, cols);
            MemorySegment realEmbed = a.allocateFrom(JAVA_LONG, rows, cols);
            MemorySegment complexEmbed = a.allocateFrom(JAVA_LONG, rows, cols / 2 + 1);
            MemorySegment work = a.allocate(JAVA_LONG);
            boolean r2c = type == R2C;
            // Locals, not conditionals in the call: invokeExact takes its types from the argument expressions,
            // and a reference conditional there is typed Object (found on the first GPU run).
            MemorySegment inEmbed = r2c ? realEmbed : complexEmbed;
            MemorySegment outEmbed = r2c ? complexEmbed : realEmbed;
            int status = (int) makePlanMany64.invokeExact(handle, 2, n,
                    inEmbed, r2c ? realStride : complexStride, r2c ? realDist : complexDist,
                    outEmbed, r2c ? complexStride : realStride, r2c ? complexDist : realDist,
                    type, batch, work);
            check(status, what);
            check((int) setStream.invokeExact(handle, MemorySegment.ofAddress(stream)), "cufftSetStream");
            return new Plan(handle, work.get(JAVA_LONG, 0));
        } catch (Throwable t) {
            destroyQuietly(handle);
            if (t instanceof CudaException e) {
                throw e;
            }
            throw new CudaException(what + " call failed", t);
        }
    }

    /** A plan handle and the work area bytes it needs. */
    public record Plan(int handle, long workBytes) {
    }

    public void setWorkArea(int plan, long address) {
        try {
            check((int) setWorkArea.invokeExact(plan, MemorySegment.ofAddress(address)), "cufftSetWorkArea");
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            throw new CudaException("cufftSetWorkArea call failed", t);
        }
    }

    /** Real to half-complex, unnormalized; enqueued on the plan's stream. */
    public void execR2C(int plan, long real, long complex, String what) {
        int status;
        try {
            status = (int) execR2C.invokeExact(plan, MemorySegment.ofAddress(real), MemorySegment.ofAddress(complex));
        } catch (Throwable t) {
            throw new CudaException("cufftExecR2C call failed (" + what + ")", t);
        }
        check(status, "cufftExecR2C(" + what + ")");
    }

    /** Half-complex to real, unnormalized (scaled by rows·cols); overwrites its input. */
    public void execC2R(int plan, long complex, long real, String what) {
        int status;
        try {
            status = (int) execC2R.invokeExact(plan, MemorySegment.ofAddress(complex), MemorySegment.ofAddress(real));
        } catch (Throwable t) {
            throw new CudaException("cufftExecC2R call failed (" + what + ")", t);
        }
        check(status, "cufftExecC2R(" + what + ")");
    }

    public void destroy(int plan) {
        try {
            check((int) destroy.invokeExact(plan), "cufftDestroy");
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            throw new CudaException("cufftDestroy call failed", t);
        }
    }

    private void destroyQuietly(int plan) {
        try {
            int ignored = (int) destroy.invokeExact(plan);
        } catch (Throwable ignored) {
            // the plan was never usable; the original failure is what matters
        }
    }

    static void check(int status, String what) {
        if (status != 0) {
            throw new CudaException(what + " failed: " + statusName(status) + " (" + status + ")");
        }
    }

    static String statusName(int status) {
        return switch (status) {
            case 1 -> "CUFFT_INVALID_PLAN";
            case 2 -> "CUFFT_ALLOC_FAILED";
            case 3 -> "CUFFT_INVALID_TYPE";
            case 4 -> "CUFFT_INVALID_VALUE";
            case 5 -> "CUFFT_INTERNAL_ERROR";
            case 6 -> "CUFFT_EXEC_FAILED";
            case 7 -> "CUFFT_SETUP_FAILED";
            case 8 -> "CUFFT_INVALID_SIZE";
            case 9 -> "CUFFT_UNALIGNED_DATA";
            case 10 -> "CUFFT_INCOMPLETE_PARAMETER_LIST";
            case 11 -> "CUFFT_INVALID_DEVICE";
            case 12 -> "CUFFT_PARSE_ERROR";
            case 13 -> "CUFFT_NO_WORKSPACE";
            case 14 -> "CUFFT_NOT_IMPLEMENTED";
            case 15 -> "CUFFT_LICENSE_ERROR";
            case 16 -> "CUFFT_NOT_SUPPORTED";
            default -> "cuFFT status";
        };
    }
}
