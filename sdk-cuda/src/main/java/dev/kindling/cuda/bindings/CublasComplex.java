package dev.kindling.cuda.bindings;

import dev.kindling.cuda.CudaException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The complex batched GEMMs of cuBLAS that the FFT convolution needs, bound with java.lang.foreign from the
 * library {@link Cublas} found ({@code cublasCgemmStridedBatched}, and {@code cublasCgemm3mStridedBatched},
 * Gauss's three-multiplication form: a quarter fewer flops, slightly larger rounding error), plus
 * {@code cublasDestroy_v2} for the handles it is used with. Column-major, like all of cuBLAS; pointers
 * and strides count complex elements (interleaved float pairs).
 */
public final class CublasComplex {

    public static final int OP_N = 0;
    public static final int OP_T = 1;
    public static final int OP_C = 2;

    private final MethodHandle cgemm;
    private final MethodHandle cgemm3m;
    private final MethodHandle destroy;

    public CublasComplex(Cublas cublas) {
        SymbolLookup lookup = SymbolLookup.libraryLookup(cublas.library(), Arena.global());
        Linker linker = Linker.nativeLinker();
        // (handle, transa, transb, m, n, k, *alpha, *A, lda, strideA, *B, ldb, strideB, *beta, *C, ldc, strideC, batchCount)
        FunctionDescriptor strided = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT);
        cgemm = linker.downcallHandle(find(lookup, "cublasCgemmStridedBatched"), strided);
        // Optional: a cuBLAS without the Gauss form still runs the ordinary one.
        cgemm3m = lookup.find("cublasCgemm3mStridedBatched").map(s -> linker.downcallHandle(s, strided)).orElse(null);
        destroy = linker.downcallHandle(find(lookup, "cublasDestroy_v2"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    /** Whether this cuBLAS has the Gauss (3m) form. */
    public boolean hasThreeM() {
        return cgemm3m != null;
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new CudaException("cuBLAS symbol " + name + " not found"));
    }

    /**
     * For each of {@code batch} matrices: C = op(A) op(B) with alpha = {@code alpha} + 0i and beta = 0.
     * {@code scalars} is host memory of at least 16 bytes for alpha and beta (read before the call
     * returns, in the default host pointer mode).
     */
    public void gemmStridedBatched(MemorySegment handle, boolean threeM, int opA, int opB, int m, int n, int k, float alpha,
                            long a, int lda, long strideA, long b, int ldb, long strideB, long c, int ldc, long strideC,
                            int batch, MemorySegment scalars) {
        scalars.set(JAVA_FLOAT, 0, alpha);
        scalars.set(JAVA_FLOAT, 4, 0f);
        scalars.set(JAVA_FLOAT, 8, 0f);
        scalars.set(JAVA_FLOAT, 12, 0f);
        String name = threeM ? "cublasCgemm3mStridedBatched" : "cublasCgemmStridedBatched";
        if (threeM && cgemm3m == null) {
            throw new CudaException(name + " is not in this cuBLAS; use the ordinary complex GEMM (-Dkindling.cuda.fft-cgemm3m=false)");
        }
        int status;
        try {
            MethodHandle h = threeM ? cgemm3m : cgemm;
            status = (int) h.invokeExact(handle, opA, opB, m, n, k, scalars, MemorySegment.ofAddress(a), lda, strideA,
                    MemorySegment.ofAddress(b), ldb, strideB, scalars.asSlice(8), MemorySegment.ofAddress(c), ldc, strideC, batch);
        } catch (Throwable t) {
            throw new CudaException(name + " call failed", t);
        }
        if (status != 0) {
            throw new CudaException(name + "(op " + opA + "/" + opB + ", m=" + m + ", n=" + n + ", k=" + k + ", batch " + batch
                    + ") failed: " + Cublas.statusName(status) + " (" + status + ")");
        }
    }

    public void destroy(MemorySegment handle) {
        int status;
        try {
            status = (int) destroy.invokeExact(handle);
        } catch (Throwable t) {
            throw new CudaException("cublasDestroy_v2 call failed", t);
        }
        if (status != 0) {
            throw new CudaException("cublasDestroy_v2 failed: " + Cublas.statusName(status) + " (" + status + ")");
        }
    }
}
