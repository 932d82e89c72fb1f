package dev.kindling.core.serving.guard;

import dev.kindling.core.hsm.HierarchicalSoftmax;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.text.Dictionary;
import dev.kindling.core.text.TextClassifier;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of a classifier's parameters: its kind and sizes, the dictionary (labels, words and which words are
 * active, in id order), the HSM's class-to-cluster layout and every table's float bits. Two classifiers have the same
 * digest exactly when they give the same answers for the same reasons; what a kept version records and what a
 * rollback is checked against. One pass over the model's tables, no file written.
 */
public final class ParameterDigest {

    private static final int CHUNK = 1 << 16;

    private ParameterDigest() {
    }

    /** The lower-case hex SHA-256; the caller keeps {@code model} from changing meanwhile. */
    public static String of(TextClassifier model) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java platform must provide", e);
        }
        text(md, model.args().loss().flag() + "|" + model.dim());
        Dictionary d = model.dictionary();
        text(md, d.labelPrefix() + "|" + d.buckets() + "|" + d.wordNgrams() + "|" + d.labelCount() + "|" + d.wordCount());
        for (int i = 0; i < d.labelCount(); i++) {
            text(md, d.label(i));
        }
        for (int i = 0; i < d.wordCount(); i++) {
            text(md, d.word(i) + (d.isActive(i) ? "+" : "-"));
        }
        if (model.output() instanceof HierarchicalSoftmax hsm) {
            ints(md, hsm.mapping().clusterOfArray());
            ints(md, hsm.mapping().indexInClusterArray());
        }
        // Every table the model file holds, whatever the output layer (HSM, tree, full softmax, ns/ova).
        model.tables().forEach((name, t) -> table(md, name, t));
        return HexFormat.of().formatHex(md.digest());
    }

    private static void text(MessageDigest md, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        md.update(ByteBuffer.allocate(4).putInt(b.length).array());
        md.update(b);
    }

    private static void ints(MessageDigest md, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * values.length).putInt(values.length);
        for (int v : values) {
            b.putInt(v);
        }
        md.update(b.array());
    }

    private static void table(MessageDigest md, String name, Tensor t) {
        text(md, name + "|" + java.util.Arrays.toString(t.shape()));
        MemorySegment s = t.segment().asSlice(t.offset() * Float.BYTES, t.numel() * Float.BYTES);
        byte[] chunk = new byte[CHUNK];
        for (long at = 0; at < s.byteSize(); at += CHUNK) {
            int n = (int) Math.min(CHUNK, s.byteSize() - at);
            MemorySegment.copy(s, ValueLayout.JAVA_BYTE, at, chunk, 0, n);
            md.update(chunk, 0, n);
        }
    }
}
