package dev.kindling.core.backend;

/**
 * A 1-bit quantized block of a gradient matrix: one sign bit per entry (1 for non-negative), packed 32 to
 * an int in row-major order of the block (bit k of word w is entry 32·w + k), and two reconstruction
 * values per row or per column ({@link QuantizationAxis}): the mean of the non-negative entries and the
 * mean of the negative entries. Entry (r, c) dequantizes to {@code positive[g]} when its bit is set and
 * to {@code negative[g]} otherwise, with g = r (per row) or c (per column).
 *
 * <p>The packed form lives in host arrays: that is the form that travels between devices.
 */
public record QuantizedGradient(int rows, int cols, QuantizationAxis axis, int[] bits, float[] positive, float[] negative) {

    public QuantizedGradient {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("quantized block size must be >= 0, got " + rows + " x " + cols);
        }
        if (axis == null || bits == null || positive == null || negative == null) {
            throw new IllegalArgumentException("quantized gradient needs an axis, bits and both reconstruction vectors");
        }
        long entries = (long) rows * cols;
        if (bits.length != words(entries)) {
            throw new IllegalArgumentException("a " + rows + " x " + cols + " block needs " + words(entries) + " words of bits, got "
                    + bits.length);
        }
        int groups = axis == QuantizationAxis.PER_ROW ? rows : cols;
        if (positive.length != groups || negative.length != groups) {
            throw new IllegalArgumentException("a " + rows + " x " + cols + " block quantized " + axis + " needs " + groups
                    + " reconstruction values of each sign, got " + positive.length + " and " + negative.length);
        }
    }

    /** Ints needed for {@code entries} sign bits. */
    public static int words(long entries) {
        return Math.toIntExact((entries + 31) >>> 5);
    }

    /** An empty (all-zero) quantized block, ready for a kernel to fill. */
    public static QuantizedGradient allocate(int rows, int cols, QuantizationAxis axis) {
        int groups = axis == QuantizationAxis.PER_ROW ? rows : cols;
        return new QuantizedGradient(rows, cols, axis, new int[words((long) rows * cols)], new float[groups], new float[groups]);
    }

    /** Bytes this block occupies on the wire: the packed bits plus the reconstruction values. */
    public long byteSize() {
        return (long) bits.length * Integer.BYTES + (long) (positive.length + negative.length) * Float.BYTES;
    }

    /** Whether the sign bit of entry (r, c) is set. */
    public boolean bit(int r, int c) {
        long k = (long) r * cols + c;
        return (bits[(int) (k >>> 5)] >>> (int) (k & 31) & 1) != 0;
    }

    /** The dequantized value of entry (r, c). */
    public float value(int r, int c) {
        int g = axis == QuantizationAxis.PER_ROW ? r : c;
        return bit(r, c) ? positive[g] : negative[g];
    }
}
