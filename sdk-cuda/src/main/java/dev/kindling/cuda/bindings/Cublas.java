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
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * cuBLAS bound with java.lang.foreign (JCublas needs libcublas.so.12 and is absent on CUDA 13 machines).
 * The library is probed by soname, newest first, then in the usual CUDA install folders. A handle made
 * while our primary context is current works in that context; {@code cublasSetStream_v2} puts its work on
 * our stream, so GEMMs are ordered with our kernels. Only the stable C API is used.
 */
public final class Cublas {

    static final List<String> SONAMES = List.of("libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so");

    public static final int OP_N = 0;
    public static final int OP_T = 1;

    private final String library;
    private final MethodHandle create;
    private final MethodHandle setStream;
    private final MethodHandle sgemm;
    private final MethodHandle getVersion;

    private Cublas(String library, SymbolLookup lookup) {
        this.library = library;
        Linker linker = Linker.nativeLinker();
        create = linker.downcallHandle(find(lookup, "cublasCreate_v2"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        setStream = linker.downcallHandle(find(lookup, "cublasSetStream_v2"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        getVersion = linker.downcallHandle(find(lookup, "cublasGetVersion_v2"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        sgemm = linker.downcallHandle(find(lookup, "cublasSgemm_v2"), FunctionDescriptor.of(JAVA_INT,
                ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS,
                ADDRESS, JAVA_INT));
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new CudaException("cuBLAS symbol " + name + " not found"));
    }

    /** Loads the first cuBLAS that opens; fails with every name and folder tried. */
    public static Cublas load() {
        return CudaLibraryProbe.load("cuBLAS", SONAMES, Cublas::new);
    }

    public String library() {
        return library;
    }

    /** A new handle bound to the current context, on {@code stream}. */
    public MemorySegment createHandle(long stream) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) create.invokeExact(out), "cublasCreate_v2");
            MemorySegment handle = out.get(ADDRESS, 0);
            check((int) setStream.invokeExact(handle, MemorySegment.ofAddress(stream)), "cublasSetStream_v2");
            return handle;
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            throw new CudaException("cublasCreate_v2 call failed", t);
        }
    }

    int version(MemorySegment handle) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_INT);
            check((int) getVersion.invokeExact(handle, out), "cublasGetVersion_v2");
            return out.get(JAVA_INT, 0);
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            throw new CudaException("cublasGetVersion_v2 call failed", t);
        }
    }

    /**
     * Column-major SGEMM, C = alpha op(A) op(B) + beta C; {@code scalars} is host memory for alpha (offset 0)
     * and beta (offset 4), read by cuBLAS before the call returns.
     */
    public void sgemm(MemorySegment handle, int opA, int opB, int m, int n, int k, float alpha, long a, int lda, long b, int ldb,
               float beta, long c, int ldc, MemorySegment scalars) {
        scalars.set(JAVA_FLOAT, 0, alpha);
        scalars.set(JAVA_FLOAT, 4, beta);
        int status;
        try {
            status = (int) sgemm.invokeExact(handle, opA, opB, m, n, k, scalars, MemorySegment.ofAddress(a), lda,
                    MemorySegment.ofAddress(b), ldb, scalars.asSlice(4), MemorySegment.ofAddress(c), ldc);
        } catch (Throwable t) {
            throw new CudaException("cublasSgemm_v2 call failed", t);
        }
        check(status, "cublasSgemm_v2(m=" + m + ", n=" + n + ", k=" + k + ")");
    }

    private static void check(int status, String what) {
        if (status != 0) {
            throw new CudaException(what + " failed: " + statusName(status) + " (" + status + ")");
        }
    }

    static String statusName(int status) {
        return switch (status) {
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> "cuBLAS status";
        };
    }
}
