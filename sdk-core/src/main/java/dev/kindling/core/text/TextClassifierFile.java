package dev.kindling.core.text;

import dev.kindling.core.hsm.BinaryTreeSoftmax;
import dev.kindling.core.hsm.ClusterMapping;
import dev.kindling.core.hsm.HierarchicalSoftmax;
import dev.kindling.core.hsm.CodeTree;
import dev.kindling.core.hsm.FullSoftmax;
import dev.kindling.core.hsm.IndependentLogistic;
import dev.kindling.core.hsm.OutputLayer;
import dev.kindling.core.hsm.ScoreConvention;
import dev.kindling.core.backend.Backends;
import dev.kindling.core.io.AtomicFiles;
import dev.kindling.core.io.Crc32c;
import dev.kindling.core.io.MappedVerification;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * Kindling's {@code .bin} format for text classifiers: a magic line, the header length, a header
 * (training settings, dictionary, the output layer's cluster mapping or code tree, tensor shapes), the
 * tensors as little-endian float32, and (since version 3) a {@link ChecksumFooter} with the CRC32C of the
 * header and of each tensor, verified on load: a damaged file fails to load, naming the header or the
 * tensor and its bytes, instead of serving garbage. Version 4 added character n-grams, fastText's hashing
 * (earlier versions hash with {@link NgramHashing#UNSIGNED_BYTES}), pruned buckets, fastText's row layout, the
 * output layer's kind and score convention, and the {@code ns}/{@code ova} losses. Versions 1 (two-level HSM
 * and softmax only, where {@code hs} named the two-level HSM) and 2 have no checksums and still load,
 * unverified (logged at INFO); version 3 is version 2's header with checksums. Saving is atomic: a temporary
 * file in the same folder is written, forced to disk and renamed over the target, so a crash leaves either
 * the old or the new model, never a torn one.
 */
final class TextClassifierFile {

    private static final Logger log = Logger.getLogger(TextClassifierFile.class.getName());
    private static final byte[] MAGIC = "KINDLING-TEXT-CLASSIFIER\n".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 4;
    private static final int FIRST_CHECKSUMMED_VERSION = 3;
    /** The first version whose header holds the text features (n-grams, hashing, buckets) and the output layer's kind. */
    private static final int FIRST_FEATURES_VERSION = 4;
    private static final int CHUNK = 1 << 22;

    private TextClassifierFile() {
    }

    static void save(TextClassifier model, Path file) throws IOException {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("saving models needs a little-endian platform");
        }
        Map<String, Tensor> tensors = tensors(model);
        ByteArrayOutputStream headerBytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(headerBytes)) {
            writeHeader(out, model, tensors);
            // Zero padding (ignored by readers) so tensor data starts 64-byte aligned and can be memory-mapped.
            while ((MAGIC.length + 8 + headerBytes.size()) % 64 != 0) {
                out.writeByte(0);
            }
        }
        AtomicFiles.replace(file, ch -> {
            ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 8).order(ByteOrder.LITTLE_ENDIAN);
            head.put(MAGIC).putLong(headerBytes.size()).flip();
            CRC32C headerCrc = new CRC32C();
            headerCrc.update(head.duplicate());
            headerCrc.update(headerBytes.toByteArray());
            AtomicFiles.writeFully(ch, head);
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(headerBytes.toByteArray()));
            ByteBuffer staging = ByteBuffer.allocateDirect(CHUNK);
            MemorySegment stagingSegment = MemorySegment.ofBuffer(staging);
            int[] tensorCrcs = new int[tensors.size()];
            int i = 0;
            for (Tensor t : tensors.values()) {
                // Heap float[] segments cannot be viewed as ByteBuffers: stage through a direct buffer.
                MemorySegment s = t.segment().asSlice(t.offset() * Float.BYTES, t.numel() * Float.BYTES);
                CRC32C crc = new CRC32C();
                for (long at = 0; at < s.byteSize(); at += CHUNK) {
                    int n = (int) Math.min(CHUNK, s.byteSize() - at);
                    MemorySegment.copy(s, at, stagingSegment, 0, n);
                    staging.clear().limit(n);
                    crc.update(staging.duplicate());
                    AtomicFiles.writeFully(ch, staging);
                }
                tensorCrcs[i++] = (int) crc.getValue();
            }
            AtomicFiles.writeFully(ch, new ChecksumFooter(tensorCrcs, (int) headerCrc.getValue()).encode());
        });
    }

    /** The tables a model file holds, by their names in it (also what {@link ModelDigest} covers). */
    static Map<String, Tensor> tensors(TextClassifier model) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("input", model.inputTable());
        switch (model.output()) {
            case BinaryTreeSoftmax tree -> {
                m.put("output.nodeWeight", tree.nodeWeight().value());
                m.put("output.nodeBias", tree.nodeBias());
            }
            case HierarchicalSoftmax hsm -> {
                m.put("output.clusterWeight", hsm.clusterWeight().value());
                m.put("output.clusterBias", hsm.clusterBias().value());
                m.put("output.classWeight", hsm.classWeight().value());
                m.put("output.classBias", hsm.classBias().value());
            }
            case FullSoftmax softmax -> {
                m.put("output.weight", softmax.weight());
                m.put("output.bias", softmax.bias());
            }
            case IndependentLogistic logistic -> {
                m.put("output.weight", logistic.weight());
                m.put("output.bias", logistic.bias());
            }
            default -> throw new IllegalArgumentException("cannot save output layer " + model.output());
        }
        return m;
    }

    private static void writeHeader(DataOutputStream out, TextClassifier model, Map<String, Tensor> tensors) throws IOException {
        out.writeInt(VERSION);
        TrainingArgs a = model.args();
        out.writeFloat(a.lr());
        out.writeInt(a.dim());
        out.writeInt(a.epoch());
        out.writeInt(a.wordNgrams());
        out.writeInt(a.minCount());
        out.writeInt(a.minCountLabel());
        out.writeInt(a.bucket());
        out.writeUTF(a.loss().flag());
        out.writeInt(a.thread());
        out.writeInt(a.lrUpdateRate());
        out.writeLong(a.seed());
        out.writeUTF(a.label());
        out.writeUTF(a.tree().flag());
        out.writeInt(a.minn());
        out.writeInt(a.maxn());
        out.writeInt(a.neg());
        out.writeUTF(outputKind(model.output()));
        out.writeUTF(model.output().scoreConvention().name());
        Dictionary d = model.dictionary();
        out.writeUTF(d.labelPrefix());
        TextFeatures f = d.features();
        out.writeInt(f.buckets());
        out.writeInt(f.wordNgrams());
        out.writeInt(f.minn());
        out.writeInt(f.maxn());
        out.writeUTF(f.hashing().name());
        out.writeInt(d.leadingWords());
        BucketIndex kept = d.bucketIndex();
        out.writeBoolean(kept.isPruned());
        if (kept.isPruned()) {
            int[] bucketOfRow = kept.bucketOfRow();
            out.writeInt(bucketOfRow.length);
            for (int b : bucketOfRow) {
                out.writeInt(b);
            }
        }
        String[] words = d.wordsArray();
        long[] wc = d.wordCountsArray();
        boolean[] act = d.activeArray();
        out.writeInt(words.length);
        for (int i = 0; i < words.length; i++) {
            out.writeUTF(words[i]);
            out.writeLong(wc[i]);
            out.writeBoolean(act[i]);
        }
        String[] labels = d.labelsArray();
        long[] lc = d.labelCountsArray();
        out.writeInt(labels.length);
        for (int i = 0; i < labels.length; i++) {
            out.writeUTF(labels[i]);
            out.writeLong(lc[i]);
        }
        if (model.output() instanceof BinaryTreeSoftmax tree) {
            CodeTree t = tree.tree();
            long[] weights = t.weightsArray();
            int[] left = t.leftArray(), right = t.rightArray();
            out.writeInt(weights.length);
            for (int k = 0; k < weights.length; k++) {
                out.writeLong(weights[k]);
                if (k < left.length) {
                    out.writeInt(left[k]);
                    out.writeInt(right[k]);
                }
            }
        } else if (model.output() instanceof HierarchicalSoftmax hsm) {
            ClusterMapping m = hsm.mapping();
            int[] clusterOf = m.clusterOfArray(), index = m.indexInClusterArray();
            out.writeInt(clusterOf.length);
            for (int i = 0; i < clusterOf.length; i++) {
                out.writeInt(clusterOf[i]);
                out.writeInt(index[i]);
            }
        }
        out.writeInt(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            out.writeUTF(e.getKey());
            int[] shape = e.getValue().shape();
            out.writeInt(shape.length);
            for (int s : shape) {
                out.writeInt(s);
            }
        }
    }

    private static String outputKind(OutputLayer output) {
        return switch (output) {
            case BinaryTreeSoftmax t -> "tree";
            case HierarchicalSoftmax h -> "hsm";
            case FullSoftmax f -> "softmax";
            case IndependentLogistic l -> "logistic";
            default -> throw new IllegalArgumentException("cannot save output layer " + output);
        };
    }

    static TextClassifier load(Path file, TablePlacement inputPlacement, MappedVerification mappedCheck) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 8).order(ByteOrder.LITTLE_ENDIAN);
            int got = (int) Math.min(size, MAGIC.length);
            head.limit(got);
            readFully(ch, head, file);
            byte[] magic = new byte[got];
            head.flip().get(magic);
            if (!Arrays.equals(magic, Arrays.copyOf(MAGIC, got)) || got == 0) {
                throw new IOException(file + " is not a Kindling text classifier (.bin written by `kindling supervised`)");
            }
            head.clear().position(MAGIC.length);
            readFully(ch, head, file);
            head.position(MAGIC.length);
            long headerLength = head.getLong();

            ChecksumFooter footer = ChecksumFooter.read(ch, size, file);
            long dataEnd = size - (footer == null ? 0 : footer.length());
            if (headerLength < 0 || headerLength > dataEnd - MAGIC.length - 8) {
                throw new IOException(file + " is truncated or corrupt: header of " + headerLength + " bytes in a file of " + size);
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(ch, header, file);
            if (footer != null) {
                CRC32C crc = new CRC32C();
                crc.update(head.flip());
                crc.update(header.array());
                checkCrc(file, "its header (bytes 0.." + ch.position() + ")", (int) crc.getValue(), footer.headerCrc());
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(header.array()))) {
                return readModel(in, ch, file, new Layout(inputPlacement, mappedCheck, footer, dataEnd));
            } catch (EOFException e) {
                throw new IOException(file + " is corrupt: its header ends early", e);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " is corrupt: " + e.getMessage(), e);
            }
        }
    }

    /** How to read the tensors: where the input table goes, whether a mapped one is verified, the footer, where data ends. */
    private record Layout(TablePlacement inputPlacement, MappedVerification mappedCheck, ChecksumFooter footer, long dataEnd) {
    }

    private static TextClassifier readModel(DataInputStream in, FileChannel ch, Path file, Layout layout) throws IOException {
        TablePlacement inputPlacement = layout.inputPlacement();
        ChecksumFooter footer = layout.footer();
        int version = in.readInt();
        if (version < 1 || version > VERSION) {
            throw new IOException(file + " has format version " + version + "; this Kindling reads versions 1 to " + VERSION);
        }
        if (version >= FIRST_CHECKSUMMED_VERSION && footer == null) {
            throw new IOException(file + " is truncated or corrupt: it has format version " + version + " but does not end in its"
                    + " checksum footer");
        }
        if (version < FIRST_CHECKSUMMED_VERSION) {
            if (footer != null) {
                throw new IOException(file + " is corrupt: its header says format version " + version + ", which has no checksums,"
                        + " but the file ends in a checksum footer");
            }
            log.info(file + " has no checksums (format version " + version + ", written before Kindling verified model files):"
                    + " loading it unverified");
        }
        float lr = in.readFloat();
        int dim = in.readInt(), epoch = in.readInt(), wordNgrams = in.readInt(), minCount = in.readInt(), minCountLabel = in.readInt();
        int bucket = in.readInt();
        String lossFlag = in.readUTF();
        // Version 1 had no binary tree: its "hs" was the two-level HSM.
        TrainingArgs.Loss loss = version == 1 && lossFlag.equals("hs") ? TrainingArgs.Loss.HSM : TrainingArgs.Loss.parse(lossFlag);
        int thread = in.readInt(), lrUpdateRate = in.readInt();
        long seed = in.readLong();
        String label = in.readUTF();
        TrainingArgs.Tree treeKind = version == 1 ? TrainingArgs.Tree.SEMANTIC : TrainingArgs.Tree.parse(in.readUTF());
        boolean hasFeatures = version >= FIRST_FEATURES_VERSION;
        int minn = hasFeatures ? in.readInt() : 0, maxn = hasFeatures ? in.readInt() : 0, neg = hasFeatures ? in.readInt() : 5;
        // Before version 4 the output layer followed from the loss; a softmax was a single-cluster HSM.
        String kind = hasFeatures ? in.readUTF() : loss == TrainingArgs.Loss.HS ? "tree" : "hsm";
        ScoreConvention convention = hasFeatures ? ScoreConvention.valueOf(in.readUTF()) : ScoreConvention.EXACT;
        TrainingArgs args = new TrainingArgs(lr, dim, epoch, wordNgrams, minCount, minCountLabel, bucket, loss, thread, lrUpdateRate, 2,
                seed, label, treeKind, minn, maxn, neg);
        String prefix = in.readUTF();
        int buckets = in.readInt(), ngrams = in.readInt();
        TextFeatures features;
        BucketIndex bucketIndex;
        int leadingWords = 0;
        if (hasFeatures) {
            int fMinn = in.readInt(), fMaxn = in.readInt();
            features = new TextFeatures(ngrams, fMinn, fMaxn, buckets, NgramHashing.valueOf(in.readUTF()));
            leadingWords = in.readInt();
            if (in.readBoolean()) {
                int kept = count(in, "kept buckets", 4, file);
                int[] bucketOfRow = new int[kept], rows = new int[kept];
                for (int r = 0; r < kept; r++) {
                    bucketOfRow[r] = in.readInt();
                    rows[r] = r;
                }
                bucketIndex = BucketIndex.pruned(buckets, bucketOfRow, rows);
            } else {
                bucketIndex = BucketIndex.all(buckets);
            }
        } else {
            features = new TextFeatures(ngrams, 0, 0, buckets, NgramHashing.UNSIGNED_BYTES);
            bucketIndex = BucketIndex.all(buckets);
        }
        int nw = count(in, "words", 11, file);
        String[] words = new String[nw];
        long[] wc = new long[nw];
        boolean[] act = new boolean[nw];
        for (int i = 0; i < nw; i++) {
            words[i] = in.readUTF();
            wc[i] = in.readLong();
            act[i] = in.readBoolean();
        }
        int nl = count(in, "labels", 10, file);
        String[] labels = new String[nl];
        long[] lc = new long[nl];
        for (int i = 0; i < nl; i++) {
            labels[i] = in.readUTF();
            lc[i] = in.readLong();
        }
        Dictionary dict = new Dictionary(prefix, features, bucketIndex, leadingWords, words, wc, act, labels, lc);
        CodeTree tree = null;
        ClusterMapping mapping = null;
        if (kind.equals("tree")) {
            int n = count(in, "tree classes", 16, file);
            long[] weights = new long[n];
            int[] left = new int[Math.max(0, n - 1)], right = new int[Math.max(0, n - 1)];
            for (int k = 0; k < n; k++) {
                weights[k] = in.readLong();
                if (k < left.length) {
                    left[k] = in.readInt();
                    right[k] = in.readInt();
                }
            }
            tree = CodeTree.of(left, right, weights);
        } else if (kind.equals("hsm")) {
            int nc = count(in, "cluster mapping entries", 8, file);
            int[] clusterOf = new int[nc], index = new int[nc];
            for (int i = 0; i < nc; i++) {
                clusterOf[i] = in.readInt();
                index[i] = in.readInt();
            }
            mapping = ClusterMapping.of(clusterOf, index);
        }
        int nt = count(in, "tensors", 6, file);
        if (footer != null && footer.tensorCrcs().length != nt) {
            throw new IOException(file + " is corrupt: its header lists " + nt + " tensors, its checksum footer "
                    + footer.tensorCrcs().length);
        }
        ByteBuffer staging = ByteBuffer.allocateDirect(CHUNK);
        MemorySegment stagingSegment = MemorySegment.ofBuffer(staging);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int t = 0; t < nt; t++) {
            String name = in.readUTF();
            int[] shape = new int[count(in, "dimensions of tensor '" + name + "'", 4, file)];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = in.readInt();
            }
            boolean input = name.equals("input");
            long bytes;
            try {
                bytes = Math.multiplyExact(Shapes.numel(shape), (long) Float.BYTES);
            } catch (ArithmeticException | IllegalArgumentException e) {
                throw new IOException(file + " is corrupt: tensor '" + name + "' has an impossible shape " + Shapes.str(shape));
            }
            long start = ch.position();
            if (bytes > layout.dataEnd() - start) {
                throw new IOException(file + " is truncated: tensor '" + name + "' of shape " + Shapes.str(shape) + " needs " + bytes
                        + " bytes but only " + (layout.dataEnd() - start) + " remain");
            }
            String where = "tensor '" + name + "' (bytes " + start + ".." + (start + bytes) + ")";
            if (input && inputPlacement == TablePlacement.MAPPED) {
                // Copy-on-write mapping: rows are paged in as read; fine-tuning writes stay in memory, never in the file.
                Tensor mapped = Tensor.wrap(Backends.cpu().map(file, start, Shapes.numel(shape), FileChannel.MapMode.PRIVATE, Arena.ofAuto()),
                        0, shape);
                ch.position(start + bytes);
                if (footer != null && layout.mappedCheck() == MappedVerification.VERIFY) {
                    checkCrc(file, where, Crc32c.of(mapped.segment().asSlice(0, bytes)), footer.tensorCrcs()[t]);
                } else if (footer != null) {
                    log.info(file + ": mapped " + where + " unverified, as configured (MappedVerification.SKIP)");
                }
                tensors.put(name, mapped);
                continue;
            }
            Tensor tensor = input && inputPlacement == TablePlacement.OFF_HEAP ? Tensor.offHeap(shape) : Tensor.zeros(shape);
            MemorySegment s = tensor.segment();
            CRC32C crc = new CRC32C();
            for (long at = 0; at < s.byteSize(); at += CHUNK) {
                int n = (int) Math.min(CHUNK, s.byteSize() - at);
                readFully(ch, staging.clear().limit(n), file);
                crc.update(staging.flip());
                MemorySegment.copy(stagingSegment, 0, s, at, n);
            }
            if (footer != null) {
                checkCrc(file, where, (int) crc.getValue(), footer.tensorCrcs()[t]);
            }
            tensors.put(name, tensor);
        }
        if (footer != null && ch.position() != layout.dataEnd()) {
            throw new IOException(file + " is corrupt: " + (layout.dataEnd() - ch.position()) + " bytes lie between its last tensor and"
                    + " its checksum footer");
        }
        String[] required = switch (kind) {
            case "tree" -> new String[]{"input", "output.nodeWeight", "output.nodeBias"};
            case "hsm" -> new String[]{"input", "output.clusterWeight", "output.clusterBias", "output.classWeight", "output.classBias"};
            case "softmax", "logistic" -> new String[]{"input", "output.weight", "output.bias"};
            default -> throw new IOException(file + " is corrupt: unknown output layer kind '" + kind + "'");
        };
        for (String name : required) {
            if (!tensors.containsKey(name)) {
                throw new IOException(file + " is corrupt: tensor '" + name + "' is missing");
            }
        }
        if (tree != null) {
            return new TextClassifier(args, dict, tensors.get("input"),
                    new BinaryTreeSoftmax(tree, tensors.get("output.nodeWeight"), tensors.get("output.nodeBias"), convention));
        }
        if (kind.equals("softmax")) {
            return new TextClassifier(args, dict, tensors.get("input"),
                    new FullSoftmax(tensors.get("output.weight"), tensors.get("output.bias"), convention));
        }
        if (kind.equals("logistic")) {
            IndependentLogistic.Training training = loss == TrainingArgs.Loss.OVA ? IndependentLogistic.Training.ONE_VS_ALL
                    : IndependentLogistic.Training.NEGATIVE_SAMPLING;
            return new TextClassifier(args, dict, tensors.get("input"), new IndependentLogistic(tensors.get("output.weight"),
                    tensors.get("output.bias"), training, neg, lc, convention));
        }
        HierarchicalSoftmax hsm = new HierarchicalSoftmax(mapping, tensors.get("output.clusterWeight"), tensors.get("output.clusterBias"),
                tensors.get("output.classWeight"), tensors.get("output.classBias"));
        return new TextClassifier(args, dict, tensors.get("input"), hsm);
    }

    private static void checkCrc(Path file, String what, int computed, int recorded) throws IOException {
        if (computed != recorded) {
            throw new IOException(file + " is corrupt: " + what + " does not match its checksum (CRC32C " + Crc32c.hex(computed)
                    + ", the file records " + Crc32c.hex(recorded) + "); the file was damaged after it was written");
        }
    }

    /**
     * Reads a count of header items, each taking at least {@code minBytes} bytes: a corrupt count fails here
     * instead of sizing an array by it (NegativeArraySizeException, OutOfMemoryError).
     */
    private static int count(DataInputStream in, String what, int minBytes, Path file) throws IOException {
        int n = in.readInt();
        int left = in.available();
        if (n < 0 || n > left / minBytes) {
            throw new IOException(file + " is corrupt: its header claims " + n + " " + what + " but has " + left + " bytes left");
        }
        return n;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, Path file) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new IOException(file + " is truncated: it ends before all model data was read");
            }
        }
    }
}
