package dev.kindling.core.fasttext;

import java.io.IOException;

/**
 * fastText's product quantizer: a vector of {@code dim} is cut into {@code nsubq} sub-vectors of {@code dsub}
 * values (the last one {@code lastdsub}), each stored as one byte naming one of 256 centroids of its
 * sub-space. Centroids of sub-quantizer m lie at {@code m·256·dsub}, {@code lastdsub} apart for the last one.
 * In the file: dim, nsubq, dsub, lastdsub (int32) and dim·256 float32 centroids.
 */
public record ProductQuantizer(int dim, int nsubq, int dsub, int lastdsub, float[] centroids) {

    public static final int CENTROIDS = 256;

    public ProductQuantizer {
        if (dim < 1 || dsub < 1 || nsubq != (dim + dsub - 1) / dsub || lastdsub != dim - (nsubq - 1) * dsub
                || centroids.length != dim * CENTROIDS) {
            throw new IllegalArgumentException("inconsistent product quantizer: dim " + dim + ", " + nsubq + " sub-quantizers of "
                    + dsub + " (last " + lastdsub + "), " + centroids.length + " centroid values");
        }
    }

    /** The layout fastText derives from a vector size and a sub-vector size. */
    static ProductQuantizer empty(int dim, int dsub) {
        int nsubq = (dim + dsub - 1) / dsub;
        return new ProductQuantizer(dim, nsubq, dsub, dim - (nsubq - 1) * dsub, new float[dim * CENTROIDS]);
    }

    /** Values in sub-vector m. */
    int width(int m) {
        return m == nsubq - 1 ? lastdsub : dsub;
    }

    /** Index of the first value of centroid {@code code} of sub-quantizer m in {@link #centroids}. */
    int centroid(int m, int code) {
        return m * CENTROIDS * dsub + code * width(m);
    }

    /** out[outOff + j] = alpha · (the decoded vector)[j] for the codes of one vector, {@code codes[codeOff …]}. */
    void decode(byte[] codes, long codeOff, float alpha, float[] out) {
        for (int m = 0; m < nsubq; m++) {
            int c = centroid(m, codes[(int) (codeOff + m)] & 0xff), w = width(m);
            for (int j = 0; j < w; j++) {
                out[m * dsub + j] = alpha * centroids[c + j];
            }
        }
    }

    static ProductQuantizer read(BinaryInput in, String what) throws IOException {
        in.require(16, what);
        int dim = in.readInt(what + " dim"), nsubq = in.readInt(what + " sub-quantizers"), dsub = in.readInt(what + " dsub");
        int lastdsub = in.readInt(what + " lastdsub");
        if (dim < 1 || dsub < 1 || nsubq != (dim + dsub - 1) / dsub || lastdsub != dim - (nsubq - 1) * dsub) {
            throw in.error("corrupt " + what + ": dim " + dim + " cut into " + nsubq + " sub-vectors of " + dsub + " (last " + lastdsub
                    + ") is not a valid layout");
        }
        in.require((long) dim * CENTROIDS * Float.BYTES, what + " centroids");
        float[] centroids = new float[dim * CENTROIDS];
        byte[] raw = new byte[centroids.length * Float.BYTES];
        in.readFully(raw, what + " centroids");
        java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(centroids);
        return new ProductQuantizer(dim, nsubq, dsub, lastdsub, centroids);
    }

    void write(BinaryOutput out) throws IOException {
        out.writeInt(dim);
        out.writeInt(nsubq);
        out.writeInt(dsub);
        out.writeInt(lastdsub);
        out.writeFloats(java.lang.foreign.MemorySegment.ofArray(centroids), 0, centroids.length);
    }
}
