package dev.kindling.core.fasttext;

import dev.kindling.core.tensor.Tensor;

import java.io.IOException;

/**
 * A matrix in fastText's quantized form ({@code .ftz}): each row as product-quantizer codes and, with
 * {@code qnorm}, its L2 norm quantized separately (rows are then normalized before their codes are learned),
 * which keeps the scale of rare and frequent rows apart.
 */
record QuantizedMatrix(boolean qnorm, int rows, int cols, byte[] codes, ProductQuantizer pq, byte[] normCodes, ProductQuantizer norms) {

    /** Quantizes a [rows, cols] table with sub-vectors of {@code dsub}. */
    static QuantizedMatrix of(Tensor table, int dsub, boolean qnorm, long seed) {
        int rows = table.size(0), cols = table.size(1);
        float[] x = table.toArray();
        byte[] normCodes = null;
        ProductQuantizer norms = null;
        if (qnorm) {
            float[] n = new float[rows];
            for (int r = 0; r < rows; r++) {
                double s = 0;
                for (int j = 0; j < cols; j++) {
                    s += (double) x[r * cols + j] * x[r * cols + j];
                }
                n[r] = (float) Math.sqrt(s);
                if (n[r] > 0) {
                    for (int j = 0; j < cols; j++) {
                        x[r * cols + j] /= n[r];
                    }
                }
            }
            norms = ProductQuantizerTraining.train(n, rows, 1, 1, seed + 1);
            normCodes = ProductQuantizerTraining.encode(norms, n, rows);
        }
        ProductQuantizer pq = ProductQuantizerTraining.train(x, rows, cols, dsub, seed);
        return new QuantizedMatrix(qnorm, rows, cols, ProductQuantizerTraining.encode(pq, x, rows), pq, normCodes, norms);
    }

    void write(BinaryOutput out) throws IOException {
        out.writeByte(qnorm ? 1 : 0);
        out.writeLong(rows);
        out.writeLong(cols);
        out.writeInt(codes.length);
        out.writeBytes(codes);
        pq.write(out);
        if (qnorm) {
            out.writeBytes(normCodes);
            norms.write(out);
        }
    }
}
