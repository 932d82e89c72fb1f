package dev.kindling.core.text;

import dev.kindling.core.tensor.RowPatch;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * What one round of online learning changed in a classifier, for another copy of the same model at the same version
 * to become equal to it (a fleet's replicas take what one trainer learned instead of training again): the labels and
 * words added (in id order), the rows written, the words activated. Encoded compactly with a checksum.
 *
 * @param labelsAdded    labels with the model's prefix, in the order they got their ids
 * @param wordsAdded     words, in the order they got their ids
 * @param wordsActivated word ids that became visible to prediction
 * @param patches        new values of rows of the input table ({@link #INPUT_TABLE}) and of the output layer's tables
 */
public record ModelDelta(List<String> labelsAdded, List<String> wordsAdded, int[] wordsActivated, List<RowPatch> patches) {

    /** The input table's name in patches. */
    public static final String INPUT_TABLE = "input";
    private static final int MAGIC = 0x4B444C54;   // "KDLT"
    private static final int VERSION = 1;

    public ModelDelta {
        labelsAdded = List.copyOf(labelsAdded);
        wordsAdded = List.copyOf(wordsAdded);
        wordsActivated = wordsActivated.clone();
        patches = List.copyOf(patches);
    }

    /**
     * Makes {@code model} equal to the model this delta was taken from, given it was equal before: adds the labels and
     * words (which must get the same ids), writes the rows, activates the words. Not concurrent with training; the
     * caller holds readers off for the rows ({@link #addStructure} alone may run while the model serves).
     *
     * @throws IllegalStateException when the model is not at the delta's version (its labels or words differ)
     */
    public void applyTo(TextClassifier model) {
        addStructure(model);
        writeRows(model);
    }

    /**
     * Adds the delta's labels and words (invisible to prediction until {@link #writeRows}: new labels start
     * near-impossible, new words inactive), so that a model may take them while it serves.
     *
     * @throws IllegalStateException when the model is not at the delta's version
     */
    public void addStructure(TextClassifier model) {
        Dictionary dict = model.dictionary();
        int nextLabel = dict.labelCount(), nextWord = dict.wordCount();
        for (String l : labelsAdded) {
            if (dict.labelId(l) >= 0) {
                throw new IllegalStateException("the model already has label '" + l + "' that this delta adds: it is not at the delta's version");
            }
        }
        for (String w : wordsAdded) {
            if (dict.wordId(w) >= 0) {
                throw new IllegalStateException("the model already has word '" + w + "' that this delta adds: it is not at the delta's version");
            }
        }
        if (!labelsAdded.isEmpty()) {
            requireConsecutive("label", model.addLabels(labelsAdded), nextLabel);
        }
        if (!wordsAdded.isEmpty()) {
            requireConsecutive("word", model.addWords(wordsAdded), nextWord);
        }
    }

    /** Writes the delta's rows and activates its words (after {@link #addStructure}); readers must be held off. */
    public void writeRows(TextClassifier model) {
        for (RowPatch p : patches) {
            p.applyTo(p.table().equals(INPUT_TABLE) ? model.inputTable() : model.output().patchTarget(p.table()));
        }
        Dictionary dict = model.dictionary();
        for (int w : wordsActivated) {
            dict.activate(w);
        }
    }

    private static void requireConsecutive(String what, int[] ids, int first) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != first + i) {
                throw new IllegalStateException("the delta's " + what + "s got ids " + java.util.Arrays.toString(ids) + ", expected " + first
                        + ".." + (first + ids.length - 1) + ": the model is not at the delta's version");
            }
        }
    }

    /** Floats of row values this delta carries. */
    public long floats() {
        return patches.stream().mapToLong(p -> p.values().length).sum();
    }

    public byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            writeStrings(out, labelsAdded);
            writeStrings(out, wordsAdded);
            writeInts(out, wordsActivated);
            out.writeInt(patches.size());
            for (RowPatch p : patches) {
                out.writeUTF(p.table());
                out.writeInt(p.dim());
                writeInts(out, p.rows());
                for (float v : p.values()) {
                    out.writeFloat(v);
                }
            }
            out.flush();
            CRC32C crc = new CRC32C();
            crc.update(bytes.toByteArray());
            out.writeInt((int) crc.getValue());
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads an encoded delta.
     *
     * @throws IllegalArgumentException when the bytes are not an intact delta (wrong magic or version, a bad checksum,
     *                                  counts that do not fit the bytes), saying which
     */
    public static ModelDelta decode(byte[] data) {
        if (data == null || data.length < 12) {
            throw new IllegalArgumentException("a model delta needs at least 12 bytes, got " + (data == null ? 0 : data.length));
        }
        CRC32C crc = new CRC32C();
        crc.update(data, 0, data.length - 4);
        int stored = ((data[data.length - 4] & 0xff) << 24) | ((data[data.length - 3] & 0xff) << 16) | ((data[data.length - 2] & 0xff) << 8)
                | (data[data.length - 1] & 0xff);
        if ((int) crc.getValue() != stored) {
            throw new IllegalArgumentException("model delta of " + data.length + " bytes fails its CRC32C check: damaged in transit or storage");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 0, data.length - 4))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a model delta (bad magic)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException("model delta version " + version + "; this release reads " + VERSION);
            }
            int budget = data.length;
            List<String> labels = readStrings(in, budget);
            List<String> words = readStrings(in, budget);
            int[] activated = readInts(in, budget);
            int n = count(in.readInt(), budget, "patches");
            List<RowPatch> patches = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String table = in.readUTF();
                int dim = in.readInt();
                int[] rows = readInts(in, budget);
                if (dim < 1 || (long) rows.length * dim * Float.BYTES > budget) {
                    throw new IllegalArgumentException("model delta patch '" + table + "' declares " + rows.length + " rows × dim " + dim
                            + ", more than its " + data.length + " bytes hold");
                }
                float[] values = new float[rows.length * dim];
                for (int j = 0; j < values.length; j++) {
                    values[j] = in.readFloat();
                }
                patches.add(new RowPatch(table, rows, dim, values));
            }
            if (in.available() != 0) {
                throw new IllegalArgumentException("model delta has " + in.available() + " bytes after its last patch");
            }
            return new ModelDelta(labels, words, activated, patches);
        } catch (IOException e) {
            throw new IllegalArgumentException("model delta of " + data.length + " bytes ends early: " + e, e);
        }
    }

    private static int count(int n, int budget, String what) {
        if (n < 0 || n > budget) {
            throw new IllegalArgumentException("model delta declares " + n + " " + what + ", impossible in " + budget + " bytes");
        }
        return n;
    }

    private static void writeStrings(DataOutputStream out, List<String> strings) throws IOException {
        out.writeInt(strings.size());
        for (String s : strings) {
            out.writeUTF(s);
        }
    }

    private static List<String> readStrings(DataInputStream in, int budget) throws IOException {
        int n = count(in.readInt(), budget, "strings");
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(in.readUTF());
        }
        return out;
    }

    private static void writeInts(DataOutputStream out, int[] values) throws IOException {
        out.writeInt(values.length);
        for (int v : values) {
            out.writeInt(v);
        }
    }

    private static int[] readInts(DataInputStream in, int budget) throws IOException {
        int n = count(in.readInt(), budget / Integer.BYTES, "ints");
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = in.readInt();
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelDelta d && labelsAdded.equals(d.labelsAdded) && wordsAdded.equals(d.wordsAdded)
                && java.util.Arrays.equals(wordsActivated, d.wordsActivated) && patches.equals(d.patches);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(labelsAdded, wordsAdded, java.util.Arrays.hashCode(wordsActivated), patches);
    }

    @Override
    public String toString() {
        return "ModelDelta(" + labelsAdded.size() + " labels, " + wordsAdded.size() + " words, " + patches.size() + " patches, " + floats()
                + " floats)";
    }
}
