package dev.kindling.core.text;

import dev.kindling.core.hsm.HierarchicalSoftmax;
import dev.kindling.core.io.Crc32c;
import dev.kindling.core.tensor.Tensor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A fingerprint of a classifier's parameters: the CRC32C of its layout (kind, sizes, label prefix, word n-grams, the
 * HSM's class-to-cluster mapping), of its dictionary (labels and words in id order, which words are active) and of each
 * table a model file holds, and one value over them all. Two copies of a model hold the same parameters exactly when
 * their digests agree (up to CRC collisions): how a fleet's replicas show they converged, what a kept version records
 * and a rollback is checked against. One pass over the model's bytes at CRC32C speed (the JDK's intrinsic).
 *
 * @param tables   {@code layout}, {@code dictionary} and each table name to its CRC32C, 8 hex digits
 * @param combined the CRC32C of all of them in order, 8 hex digits
 */
public record ModelDigest(Map<String, String> tables, String combined) {

    public ModelDigest {
        tables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    }

    /** Reads {@code model}'s tables; the caller keeps them from changing meanwhile. */
    public static ModelDigest of(TextClassifier model) {
        Map<String, String> tables = new LinkedHashMap<>();
        tables.put("layout", Crc32c.hex(layout(model)));
        tables.put("dictionary", Crc32c.hex(dictionary(model.dictionary())));
        for (Map.Entry<String, Tensor> e : TextClassifierFile.tensors(model).entrySet()) {
            Tensor t = e.getValue();
            tables.put(e.getKey(), Crc32c.hex(Crc32c.of(t.segment().asSlice(t.offset() * Float.BYTES, t.numel() * Float.BYTES))));
        }
        CRC32C all = new CRC32C();
        tables.forEach((name, crc) -> all.update((name + "=" + crc + ";").getBytes(StandardCharsets.UTF_8)));
        return new ModelDigest(tables, Crc32c.hex((int) all.getValue()));
    }

    private static int layout(TextClassifier model) {
        CRC32C crc = new CRC32C();
        Dictionary d = model.dictionary();
        crc.update((model.args().loss().flag() + "|" + model.dim() + "|" + d.labelPrefix() + "|" + d.wordNgrams() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        if (model.output() instanceof HierarchicalSoftmax hsm) {
            ints(crc, hsm.mapping().clusterOfArray());
            ints(crc, hsm.mapping().indexInClusterArray());
        }
        return (int) crc.getValue();
    }

    private static void ints(CRC32C crc, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * values.length).putInt(values.length);
        for (int v : values) {
            b.putInt(v);
        }
        crc.update(b.flip());
    }

    private static int dictionary(Dictionary d) {
        CRC32C crc = new CRC32C();
        ByteBuffer counts = ByteBuffer.allocate(12).putInt(d.buckets()).putInt(d.labelCount()).putInt(d.wordCount()).flip();
        crc.update(counts);
        for (int i = 0; i < d.labelCount(); i++) {
            crc.update((d.label(i) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < d.wordCount(); i++) {
            crc.update((d.word(i) + (d.isActive(i) ? "\n" : "\t\n")).getBytes(StandardCharsets.UTF_8));
        }
        return (int) crc.getValue();
    }
}
