package dev.kindling.core.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The loops of 1-bit quantization on host memory. A block has {@code rows × cols} entries; entry (r, c)
 * of a matrix lives at {@code off + r·ld + c}. A null residual segment means no error feedback. Bits are
 * packed in row-major block order into zero-initialized words.
 */
interface QuantizeKernels {

    /** Per-row reconstruction values; returns false (leaving later rows untouched) when a row has NaN or infinite entries. */
    boolean quantizeRows(MemorySegment g, long gOff, MemorySegment res, long rOff, int ld, int rows, int cols,
                         int[] bits, float[] pos, float[] neg);

    /** Per-column reconstruction values; returns false before touching the residual when an entry is NaN or infinite. */
    boolean quantizeColumns(MemorySegment g, long gOff, MemorySegment res, long rOff, int ld, int rows, int cols,
                            int[] bits, float[] pos, float[] neg);

    void dequantizeRows(int[] bits, float[] pos, float[] neg, MemorySegment out, long oOff, int ld, int rows, int cols,
                        boolean accumulate);

    void dequantizeColumns(int[] bits, float[] pos, float[] neg, MemorySegment out, long oOff, int ld, int rows, int cols,
                           boolean accumulate);

    /** ORs the low {@code n} (≤ 32) bits of {@code value} into the bit string at bit position {@code at}. */
    static void putBits(int[] words, long at, long value, int n) {
        int w = (int) (at >>> 5);
        int off = (int) (at & 31);
        words[w] |= (int) (value << off);
        if (off + n > 32) {
            words[w + 1] |= (int) (value >>> (32 - off));
        }
    }

    /** The {@code n} (≤ 32) bits at bit position {@code at}. */
    static long getBits(int[] words, long at, int n) {
        int w = (int) (at >>> 5);
        int off = (int) (at & 31);
        long v = (words[w] & 0xFFFFFFFFL) >>> off;
        if (off + n > 32) {
            v |= (words[w + 1] & 0xFFFFFFFFL) << (32 - off);
        }
        return v & ((1L << n) - 1);
    }

    static boolean bit(int[] words, long at) {
        return (words[(int) (at >>> 5)] >>> (int) (at & 31) & 1) != 0;
    }

    static void setBit(int[] words, long at) {
        words[(int) (at >>> 5)] |= 1 << (int) (at & 31);
    }

    /**
     * Encodes one element: sets its sign bit when x ≥ 0, and, with a residual, stores what the
     * reconstruction (positive or negative mean) leaves out so the next step adds it back.
     */
    static void encode(float x, int[] bits, long bitAt, MemorySegment res, long resAt, float pos, float neg) {
        boolean b = x >= 0;
        if (b) {
            setBit(bits, bitAt);
        }
        if (res != null) {
            res.setAtIndex(ValueLayout.JAVA_FLOAT, resAt, x - (b ? pos : neg));
        }
    }

    static float mean(double sum, long count) {
        return count == 0 ? 0f : (float) (sum / count);
    }
}
