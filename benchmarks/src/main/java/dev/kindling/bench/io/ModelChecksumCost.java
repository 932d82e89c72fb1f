package dev.kindling.bench.io;

import dev.kindling.core.io.Crc32c;
import dev.kindling.core.io.MappedVerification;
import dev.kindling.core.text.BucketIndex;
import dev.kindling.core.text.Dictionary;
import dev.kindling.core.text.TextFeatures;
import dev.kindling.core.text.TablePlacement;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.TrainingArgs;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * What verifying a text-classifier file's checksums costs at load, for an input table of (by default) 1 GiB:
 * CRC32C over the table in memory; loading it to the heap with checksums (format 3) and the same file without
 * them (rewritten as format 2); mapping it verified (every page read once) and unverified
 * ({@link MappedVerification#SKIP}). The file is in the page cache after the first round, so the loads
 * measure CPU, not the disk. Medians of {@code rounds}.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -Xmx6g -cp benchmarks/target/benchmarks.jar
 * dev.kindling.bench.io.ModelChecksumCost [dir] [table MiB] [rounds]}
 */
public final class ModelChecksumCost {

    private static final int DIM = 256;

    private ModelChecksumCost() {
    }

    @FunctionalInterface
    private interface Step {
        Object run() throws IOException;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"), "kindling-crc-cost"));
        long mib = args.length > 1 ? Long.parseLong(args[1]) : 1024;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String[] words = {"a", "b", "c"};
        int buckets = (int) (mib * 1024 * 1024 / (DIM * Float.BYTES)) - words.length;
        Dictionary d = new Dictionary("__label__", TextFeatures.wordNgrams(1, buckets), BucketIndex.all(buckets), 0, words, new long[]{1, 1, 1}, new boolean[]{true, true, true},
                new String[]{"__label__x", "__label__y"}, new long[]{1, 1});
        TrainingArgs ta = TrainingArgs.defaults().withDim(DIM).withBucket(buckets).withLoss(TrainingArgs.Loss.HS).withVerbose(0);
        TextClassifier model = TextClassifier.initialize(ta, d);
        long tableBytes = model.inputTable().numel() * Float.BYTES;
        System.out.printf(Locale.ROOT, "input table: %d x %d floats = %.3f GiB%n", model.inputTable().size(0), DIM, tableBytes / (double) (1L << 30));

        Path v3 = dir.resolve("model-v3.bin");
        report("save (computes the checksums while writing)", rounds, () -> {
            model.save(v3);
            return v3;
        }, tableBytes);
        MemorySegment heapTable = model.inputTable().segment();
        report("CRC32C of the table on the heap (staged through a direct buffer)", rounds, () -> Crc32c.of(heapTable), tableBytes);
        ByteBuffer direct = ByteBuffer.allocateDirect((int) Math.min(tableBytes, Integer.MAX_VALUE - 8));
        MemorySegment native_ = MemorySegment.ofBuffer(direct);
        report("CRC32C of native memory (" + direct.capacity() + " bytes)", rounds, () -> Crc32c.of(native_), direct.capacity());

        Path v2 = dir.resolve("model-v2.bin");
        writeAsVersion2(v3, v2);
        report("load HEAP, format 3 (verified)", rounds, () -> TextClassifier.load(v3, TablePlacement.HEAP), tableBytes);
        report("load HEAP, format 2 (no checksums)", rounds, () -> TextClassifier.load(v2, TablePlacement.HEAP), tableBytes);
        report("load MAPPED, verified (reads every page once)", rounds,
                () -> TextClassifier.load(v3, TablePlacement.MAPPED, MappedVerification.VERIFY), tableBytes);
        report("load MAPPED, SKIP (touches no table page)", rounds,
                () -> TextClassifier.load(v3, TablePlacement.MAPPED, MappedVerification.SKIP), tableBytes);
        Files.delete(v2);
        Files.delete(v3);
    }

    private static void report(String what, int rounds, Step step, long bytes) throws IOException {
        double[] ms = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            System.gc();
            long t0 = System.nanoTime();
            Object keep = step.run();
            ms[r] = (System.nanoTime() - t0) / 1e6;
            if (keep == null) {
                throw new IllegalStateException(what);
            }
        }
        Arrays.sort(ms);
        double median = ms[rounds / 2];
        System.out.printf(Locale.ROOT, "%-62s %9.1f ms  %6.2f GB/s  (runs: %s)%n", what, median, bytes / median / 1e6, Arrays.toString(ms));
    }

    /** The same file as format 2 wrote it: without the checksum footer, version 2 in the header. */
    private static void writeAsVersion2(Path v3, Path v2) throws IOException {
        try (FileChannel in = FileChannel.open(v3, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(v2, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer count = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            in.read(count, in.size() - 12);
            long dataEnd = in.size() - 16 - 4L * count.getInt(0);
            for (long at = 0; at < dataEnd; ) {
                at += in.transferTo(at, dataEnd - at, out);
            }
            int versionAt = "KINDLING-TEXT-CLASSIFIER\n".length() + 8;
            out.write(ByteBuffer.allocate(4).putInt(0, 2), versionAt);
        }
    }
}
