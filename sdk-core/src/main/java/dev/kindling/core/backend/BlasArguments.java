package dev.kindling.core.backend;

import dev.kindling.core.tensor.Tensor;

/** Argument checks every backend's {@link BlasOps} applies before touching memory. */
public final class BlasArguments {

    private BlasArguments() {
    }

    /** Fails unless the rows × cols matrix at {@code off} with leading dimension {@code ld} lies inside {@code t}. */
    public static void checkMatrix(String name, Tensor t, long off, int rows, int cols, int ld) {
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("gemm: leading dimension of " + name + " is " + ld + ", must be >= " + Math.max(1, cols));
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        long last = off + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > t.numel()) {
            throw new IllegalArgumentException("gemm: " + name + " (" + rows + "x" + cols + ", ld " + ld + ", offset " + off
                    + ") reaches element " + last + " of a tensor with " + t.numel());
        }
    }

    public static void requireSameCount(String op, Tensor x, Tensor y) {
        if (x.numel() != y.numel()) {
            throw new IllegalArgumentException(op + ": element counts differ, " + x.numel() + " vs " + y.numel());
        }
    }
}
