package dev.kindling.core.fasttext;

import java.io.IOException;
import java.util.Locale;

/**
 * The settings block of a fastText model file, in file order: dim, ws, epoch, minCount, neg, wordNgrams,
 * loss, model, bucket, minn, maxn, lrUpdateRate (int32 each) and t (float64). The learning rate, thread count
 * and label prefix are not stored by fastText.
 */
public record FastTextArgs(int dim, int ws, int epoch, int minCount, int neg, int wordNgrams, Loss loss, ModelKind model, int bucket,
                           int minn, int maxn, int lrUpdateRate, double t) {

    /** fastText's loss codes. */
    public enum Loss {
        HS(1), NS(2), SOFTMAX(3), OVA(4);

        final int code;

        Loss(int code) {
            this.code = code;
        }

        static Loss ofCode(int code) {
            for (Loss l : values()) {
                if (l.code == code) {
                    return l;
                }
            }
            return null;
        }

        /** The name fastText's {@code dump args} prints. */
        public String flag() {
            return this == OVA ? "one-vs-all" : name().toLowerCase(Locale.ROOT);
        }
    }

    /** fastText's model codes: word vectors (cbow, skipgram) or a supervised classifier. */
    public enum ModelKind {
        CBOW(1), SKIPGRAM(2), SUPERVISED(3);

        final int code;

        ModelKind(int code) {
            this.code = code;
        }

        static ModelKind ofCode(int code) {
            for (ModelKind m : values()) {
                if (m.code == code) {
                    return m;
                }
            }
            return null;
        }

        /** The name fastText's {@code dump args} prints. */
        public String flag() {
            return switch (this) {
                case CBOW -> "cbow";
                case SKIPGRAM -> "sg";
                case SUPERVISED -> "sup";
            };
        }
    }

    static FastTextArgs read(BinaryInput in) throws IOException {
        in.require(12 * 4 + 8, "the settings block");
        int dim = in.readInt("dim"), ws = in.readInt("ws"), epoch = in.readInt("epoch"), minCount = in.readInt("minCount");
        int neg = in.readInt("neg"), wordNgrams = in.readInt("wordNgrams");
        int lossCode = in.readInt("loss"), modelCode = in.readInt("model");
        int bucket = in.readInt("bucket"), minn = in.readInt("minn"), maxn = in.readInt("maxn"), lrUpdateRate = in.readInt("lrUpdateRate");
        double t = in.readDouble("t");
        Loss loss = Loss.ofCode(lossCode);
        if (loss == null) {
            throw in.error("unknown loss code " + lossCode + " in the settings block; expected 1 (hs), 2 (ns), 3 (softmax) or 4 (ova)");
        }
        ModelKind model = ModelKind.ofCode(modelCode);
        if (model == null) {
            throw in.error("unknown model code " + modelCode + " in the settings block; expected 1 (cbow), 2 (skipgram) or 3 (supervised)");
        }
        if (dim <= 0 || dim > 1 << 20) {
            throw in.error("dim " + dim + " in the settings block is not a usable vector size (1 .. 1048576)");
        }
        if (bucket < 0 || wordNgrams < 1 || minn < 0 || maxn < 0 || (maxn > 0 && minn > maxn)) {
            throw in.error("inconsistent settings: bucket " + bucket + ", wordNgrams " + wordNgrams + ", minn " + minn + ", maxn " + maxn);
        }
        return new FastTextArgs(dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket, minn, maxn, lrUpdateRate, t);
    }

    void write(BinaryOutput out) throws IOException {
        for (int v : new int[]{dim, ws, epoch, minCount, neg, wordNgrams, loss.code, model.code, bucket, minn, maxn, lrUpdateRate}) {
            out.writeInt(v);
        }
        out.writeDouble(t);
    }
}
