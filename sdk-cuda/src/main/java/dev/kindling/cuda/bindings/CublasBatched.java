package dev.kindling.cuda.bindings;

import dev.kindling.cuda.CudaException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code cublasSgemmStridedBatched} bound with java.lang.foreign, from the same cuBLAS library that
 * {@link Cublas} opened (a second lookup of an already loaded library costs nothing). Kept apart from
 * {@link Cublas} because only the direct convolutions need it: many equal GEMMs whose operands sit at a
 * fixed distance from each other (one per image, or one per kernel tap) in one call.
 */
public final class CublasBatched {

    private static final Map<String, CublasBatched> LOADED = new ConcurrentHashMap<>();

    private final MethodHandle sgemmStridedBatched;

    private CublasBatched(String library) {
        SymbolLookup lookup = SymbolLookup.libraryLookup(library, Arena.global());
        MemorySegment symbol = lookup.find("cublasSgemmStridedBatched")
                .orElseThrow(() -> new CudaException("cuBLAS symbol cublasSgemmStridedBatched not found in " + library));
        // (handle, transa, transb, m, n, k, *alpha, A, lda, strideA, B, ldb, strideB, *beta, C, ldc, strideC, batchCount)
        sgemmStridedBatched = Linker.nativeLinker().downcallHandle(symbol, FunctionDescriptor.of(JAVA_INT,
                ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
                ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    /** The binding in {@code library} (the name or path {@link Cublas} loaded). */
    public static CublasBatched of(String library) {
        return LOADED.computeIfAbsent(library, CublasBatched::new);
    }

    /**
     * Column-major C_i = alpha op(A_i) op(B_i) + beta C_i for i < batch, X_i = X + i·strideX elements
     * (addresses are byte addresses, strides are in floats, as cuBLAS takes them).
     */
    public void sgemm(MemorySegment handle, int opA, int opB, int m, int n, int k, float alpha, long a, int lda, long strideA, long b,
               int ldb, long strideB, float beta, long c, int ldc, long strideC, int batch) {
        int status;
        // alpha and beta are read from host memory before the call returns (cuBLAS's default pointer mode).
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment scalars = arena.allocate(8, 8);
            scalars.set(JAVA_FLOAT, 0, alpha);
            scalars.set(JAVA_FLOAT, 4, beta);
            status = (int) sgemmStridedBatched.invokeExact(handle, opA, opB, m, n, k, scalars, MemorySegment.ofAddress(a), lda, strideA,
                    MemorySegment.ofAddress(b), ldb, strideB, scalars.asSlice(4), MemorySegment.ofAddress(c), ldc, strideC, batch);
        } catch (Throwable t) {
            throw new CudaException("cublasSgemmStridedBatched call failed", t);
        }
        if (status != 0) {
            throw new CudaException("cublasSgemmStridedBatched(m=" + m + ", n=" + n + ", k=" + k + ", lda=" + lda + ", ldb=" + ldb
                    + ", ldc=" + ldc + ", batch=" + batch + ") failed: " + Cublas.statusName(status) + " (" + status + ")");
        }
    }
}
