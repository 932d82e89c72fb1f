package dev.kindling.core.fasttext;

import dev.kindling.core.backend.Backends;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.text.TablePlacement;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;

/**
 * The matrices of a fastText model file. Dense: rows and columns (int64) and rows·columns float32. Quantized
 * ({@code .ftz}): a norm flag, rows, columns, the code count (int32) and codes, a {@link ProductQuantizer},
 * and with the flag one norm code per row and the norms' quantizer. Quantized matrices are decoded into
 * float32 tables (a row is its decoded sub-vectors times its decoded norm, as fastText adds it), so they
 * serve and fine-tune like any other.
 */
final class FastTextMatrices {

    private FastTextMatrices() {
    }

    /** Rows and columns of a matrix, each checked against what the file can hold. */
    private static int[] shape(BinaryInput in, String what, long bytesPerElement) throws IOException {
        long rows = in.readLong(what + " rows"), cols = in.readLong(what + " columns");
        if (rows < 0 || cols < 0 || rows > Integer.MAX_VALUE - 8 || cols > Integer.MAX_VALUE) {
            throw in.error("corrupt " + what + ": " + rows + " × " + cols + " is not a valid matrix shape");
        }
        if (bytesPerElement > 0 && cols > 0 && rows > in.remaining() / cols / bytesPerElement) {
            throw in.error("truncated: " + what + " of " + rows + " × " + cols + " float32 values needs " + rows * cols * bytesPerElement
                    + " bytes at offset " + in.position() + " but only " + in.remaining() + " are left");
        }
        return new int[]{(int) rows, (int) cols};
    }

    /**
     * A dense matrix placed as asked. A mapped table must start at a float-aligned offset of the file; fastText's
     * header is of variable length, so otherwise the table is copied into native memory instead.
     */
    static Tensor readDense(BinaryInput in, String what, TablePlacement placement) throws IOException {
        int[] shape = shape(in, what, Float.BYTES);
        long bytes = (long) shape[0] * shape[1] * Float.BYTES;
        long at = in.position();
        if (placement == TablePlacement.MAPPED && at % Float.BYTES == 0 && bytes > 0) {
            // Copy-on-write: fine-tuning writes stay in memory, never in the file.
            Tensor mapped = Tensor.wrap(Backends.cpu().map(in.file(), at, (long) shape[0] * shape[1], FileChannel.MapMode.PRIVATE, Arena.ofAuto()),
                    0, shape);
            in.skipTo(at + bytes);
            return mapped;
        }
        Tensor t = placement == TablePlacement.HEAP ? Tensor.zeros(shape) : Tensor.offHeap(shape);
        in.readInto(t.segment(), bytes, what);
        return t;
    }

    /** A quantized matrix, decoded into a heap table (off-heap when asked). */
    static Tensor readQuantized(BinaryInput in, String what, TablePlacement placement) throws IOException {
        boolean qnorm = in.readBool(what + " norm flag");
        int[] shape = shape(in, what, 0);
        int codeCount = in.readInt(what + " code count");
        int rows = shape[0], cols = shape[1];
        in.require(Math.max(0, codeCount), what + " codes");
        byte[] codes = new byte[Math.max(0, codeCount)];
        in.readFully(codes, what + " codes");
        ProductQuantizer pq = ProductQuantizer.read(in, what + " quantizer");
        if (pq.dim() != cols || codeCount < 0 || (long) rows * pq.nsubq() != codeCount) {
            throw in.error("corrupt " + what + ": " + rows + " rows of " + cols + " values need " + (long) rows * pq.nsubq()
                    + " codes of a " + pq.dim() + "-value quantizer, got " + codeCount);
        }
        byte[] normCodes = null;
        ProductQuantizer norms = null;
        if (qnorm) {
            normCodes = new byte[rows];
            in.readFully(normCodes, what + " norm codes");
            norms = ProductQuantizer.read(in, what + " norm quantizer");
            if (norms.dim() != 1) {
                throw in.error("corrupt " + what + ": the norm quantizer has dim " + norms.dim() + "; expected 1");
            }
        }
        Tensor t = placement == TablePlacement.HEAP ? Tensor.zeros(shape) : Tensor.offHeap(shape);
        MemorySegment s = t.segment();
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            float alpha = qnorm ? norms.centroids()[norms.centroid(0, normCodes[r] & 0xff)] : 1f;
            pq.decode(codes, (long) r * pq.nsubq(), alpha, row);
            MemorySegment.copy(row, 0, s, java.lang.foreign.ValueLayout.JAVA_FLOAT, t.offset() * Float.BYTES + (long) r * cols * Float.BYTES,
                    cols);
        }
        return t;
    }
}
