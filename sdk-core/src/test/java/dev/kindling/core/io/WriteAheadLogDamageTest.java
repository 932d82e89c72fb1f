package dev.kindling.core.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.logging.Level;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damage to a write-ahead log: a torn tail (an append a crash cut short, never acknowledged) is cut off
 * with a warning; damage to complete records (intact records after it, an earlier segment, a missing
 * segment) stops the log with an error naming file and offset, changes nothing, and keeps a copy.
 */
class WriteAheadLogDamageTest {

    private static final byte[] FLIP = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef};

    @TempDir
    Path dir;

    private static byte[] payload(int i) {
        return ("acknowledged example number " + i).getBytes(StandardCharsets.UTF_8);
    }

    private void write(long segmentBytes, int records) throws IOException {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, segmentBytes)) {
            for (int i = 1; i <= records; i++) {
                assertEquals(i, wal.append(payload(i)));
            }
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> WriteAheadLog.isSegmentName(p.getFileName().toString())).sorted().toList();
        }
    }

    /** Byte offset of the {@code index}-th record (0-based) of a segment. */
    private static int recordOffset(Path segment, int index) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segment)).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        for (int i = 0; i < index; i++) {
            at += 16 + b.getInt(at);
        }
        return at;
    }

    private static void overwrite(Path file, long at, byte[] bytes) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), at);
        }
    }

    private static List<Long> replayedSequences(WriteAheadLog wal) throws IOException {
        List<Long> seqs = new ArrayList<>();
        wal.replay(0, (seq, p) -> {
            assertArrayEquals(payload(seq.intValue()), p);
            seqs.add(seq);
        });
        return seqs;
    }

    private Path damagedCopy(Path segment, long offset) {
        return dir.resolve(WriteAheadLog.DAMAGED_DIR).resolve(segment.getFileName() + ".damaged-at-" + offset);
    }

    /** The reproduction: 4 bytes flipped in the middle of the only (last) segment, records after them intact. */
    @Test
    void flippedBytesMidSegmentAreCorruptionNotATornTail() throws IOException {
        write(1 << 20, 300);
        Path segment = segments().getFirst();
        int damaged = recordOffset(segment, 149);
        overwrite(segment, damaged + 20, FLIP);   // inside record 150's payload
        byte[] before = Files.readAllBytes(segment);

        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> WriteAheadLog.open(dir, 1 << 20));

        assertTrue(e.getMessage().contains(segment.toString()) && e.getMessage().contains("at byte " + damaged), e.getMessage());
        assertTrue(e.getMessage().contains("151..300"), "the error says which intact records follow: " + e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(segment), "acknowledged records are never cut without an approval");
        assertArrayEquals(before, Files.readAllBytes(damagedCopy(segment, damaged)), "an untouched copy is kept aside");
        assertThrows(CheckpointFormatException.class, () -> WriteAheadLog.open(dir, 1 << 20), "a second start fails the same way");
        assertArrayEquals(before, Files.readAllBytes(segment));
    }

    /** A damaged length field: the following records no longer line up, but they are still found. */
    @Test
    void aDamagedLengthFieldWithIntactRecordsAfterItIsCorruption() throws IOException {
        write(1 << 20, 40);
        Path segment = segments().getFirst();
        int damaged = recordOffset(segment, 20);
        overwrite(segment, damaged, new byte[]{(byte) 200, 0, 0, 0});
        byte[] before = Files.readAllBytes(segment);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> WriteAheadLog.open(dir, 1 << 20));
        assertTrue(e.getMessage().contains("at byte " + damaged) && e.getMessage().contains("22..40"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(segment));
    }

    @Test
    void aBadRecordInAnEarlierSegmentIsCorruptionAndKeepsACopy() throws IOException {
        write(4096, 300);
        List<Path> segs = segments();
        assertTrue(segs.size() >= 3, "several segments");
        Path first = segs.getFirst();
        int damaged = recordOffset(first, 7);
        overwrite(first, damaged + 18, FLIP);
        byte[] before = Files.readAllBytes(first);
        long lastSize = Files.size(segs.getLast());

        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> WriteAheadLog.open(dir, 4096));

        assertTrue(e.getMessage().contains(first.toString()) && e.getMessage().contains("at byte " + damaged), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(first));
        assertArrayEquals(before, Files.readAllBytes(damagedCopy(first, damaged)));
        assertEquals(lastSize, Files.size(segs.getLast()), "the last segment is not touched either");
    }

    /** A deleted segment between two others: the last segment's first record does not continue the log. */
    @Test
    void aMissingSegmentIsCorruptionNotATornTail() throws IOException {
        write(4096, 230);
        List<Path> segs = segments();
        assertEquals(3, segs.size(), "230 records fill three 4 KiB segments");
        Files.delete(segs.get(1));
        long lastSize = Files.size(segs.get(2));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> WriteAheadLog.open(dir, 4096));
        assertTrue(e.getMessage().contains(segs.get(2).toString()) && e.getMessage().contains("at byte 0"), e.getMessage());
        assertEquals(lastSize, Files.size(segs.get(2)), "the records after the gap are kept");
        assertTrue(e.getMessage().contains("approve the truncation " + segs.get(2).getFileName() + ":0"), e.getMessage());

        ApprovedTruncation approved = new ApprovedTruncation(segs.get(2).getFileName().toString(), 0);
        long endOfFirst;
        try (WriteAheadLog wal = WriteAheadLog.open(dir, 4096, approved)) {
            endOfFirst = wal.lastSequence();
            assertEquals(segs.get(1).getFileName().toString(), String.format("wal-%020d.log", endOfFirst + 1),
                    "the log ends where the missing segment began");
            assertEquals(endOfFirst + 1, wal.append(payload((int) endOfFirst + 1)));
        }
        assertTrue(Files.exists(dir.resolve(WriteAheadLog.DAMAGED_DIR).resolve(segs.get(2).getFileName() + ".dropped")));
    }

    /** Ways a crash leaves the end of the last segment; each is cut off with a warning, and appending resumes. */
    @Test
    void tornTailsAreCutOffWithAWarning() throws IOException {
        List<byte[]> tails = new ArrayList<>();
        tails.add(new byte[]{40, 0, 0, 0, 31, 0});                                   // half a header
        tails.add(ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN).putInt(60).putLong(31).array());   // header, half a payload
        tails.add(new byte[4096]);                                                  // the file grew, its pages were never written
        byte[] garbage = new byte[700];
        new Random(7).nextBytes(garbage);
        tails.add(garbage);
        for (int t = 0; t < tails.size(); t++) {
            Path d = dir.resolve("tail" + t);
            try (WriteAheadLog wal = WriteAheadLog.open(d, 1 << 20)) {
                for (int i = 1; i <= 30; i++) {
                    wal.append(payload(i));
                }
            }
            Path segment;
            try (Stream<Path> s = Files.list(d)) {
                segment = s.findFirst().orElseThrow();
            }
            long good = Files.size(segment);
            Files.write(segment, tails.get(t), StandardOpenOption.APPEND);
            try (LogCapture logged = LogCapture.of(WriteAheadLog.class); WriteAheadLog wal = WriteAheadLog.open(d, 1 << 20)) {
                assertEquals(good, Files.size(segment), "tail " + t + " cut off");
                assertEquals(30, wal.lastSequence());
                assertEquals(30, replayedSequences(wal).size());
                assertEquals(31, wal.append(payload(31)));
                List<String> warnings = logged.at(Level.WARNING);
                assertEquals(1, warnings.size(), "one warning for tail " + t + ": " + warnings);
                assertTrue(warnings.getFirst().contains(segment.toString()) && warnings.getFirst().contains("torn tail of "
                        + tails.get(t).length + " bytes at byte " + good), warnings.getFirst());
            }
        }
    }

    /** A last record of full length whose bytes were not all written is a torn tail too: nothing intact follows it. */
    @Test
    void aCompleteLengthLastRecordWithBadBytesIsATornTail() throws IOException {
        write(1 << 20, 20);
        Path segment = segments().getFirst();
        int last = recordOffset(segment, 19);
        long size = Files.size(segment);
        overwrite(segment, size - 6, new byte[]{0, 0});
        try (WriteAheadLog wal = WriteAheadLog.open(dir, 1 << 20)) {
            assertEquals(last, Files.size(segment));
            assertEquals(19, wal.lastSequence());
        }
    }

    /** A crash right after a roll leaves an empty last segment; once older ones are trimmed its name says where the log is. */
    @Test
    void anEmptyLastSegmentKeepsTheNumbering() throws IOException {
        write(4096, 100);
        Files.createFile(dir.resolve(String.format("wal-%020d.log", 101)));
        try (WriteAheadLog wal = WriteAheadLog.open(dir, 4096)) {
            wal.truncateThrough(100);
        }
        assertEquals(1, segments().size());
        try (WriteAheadLog wal = WriteAheadLog.open(dir, 4096)) {
            assertEquals(100, wal.lastSequence());
            assertEquals(101, wal.firstSequence());
            assertEquals(101, wal.append(payload(101)), "a new record may not reuse a sequence a checkpoint holds");
        }
    }

    @Test
    void anApprovedTruncationCutsExactlyThereAndKeepsCopies() throws IOException {
        write(4096, 300);
        List<Path> segs = segments();
        Path first = segs.getFirst();
        int damaged = recordOffset(first, 7);
        overwrite(first, damaged + 18, FLIP);
        byte[] before = Files.readAllBytes(first);
        assertThrows(WriteAheadLogCorruptException.class,
                () -> WriteAheadLog.open(dir, 4096, new ApprovedTruncation(first.getFileName().toString(), damaged + 1)),
                "an approval for another place changes nothing");
        assertArrayEquals(before, Files.readAllBytes(first));

        ApprovedTruncation approved = ApprovedTruncation.parse(first.getFileName() + ":" + damaged);
        try (LogCapture logged = LogCapture.of(WriteAheadLog.class); WriteAheadLog wal = WriteAheadLog.open(dir, 4096, approved)) {
            assertEquals(7, wal.lastSequence());
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), replayedSequences(wal));
            assertEquals(8, wal.append(payload(8)));
            assertEquals(1, logged.at(Level.SEVERE).size(), "an approved cut is logged loudly");
            assertTrue(logged.at(Level.SEVERE).getFirst().contains("APPROVED"), logged.at(Level.SEVERE).getFirst());
        }
        assertArrayEquals(before, Files.readAllBytes(damagedCopy(first, damaged)));
        for (Path later : segs.subList(1, segs.size())) {
            assertTrue(Files.exists(dir.resolve(WriteAheadLog.DAMAGED_DIR).resolve(later.getFileName() + ".dropped")), later.toString());
        }
        try (WriteAheadLog wal = WriteAheadLog.open(dir, 4096, approved)) {
            assertEquals(8, wal.lastSequence(), "a stale approval cuts nothing");
        }
    }

    @Test
    void continueAfterNumbersPastACheckpointTheLogNoLongerReaches() throws IOException {
        write(4096, 50);
        try (WriteAheadLog wal = WriteAheadLog.open(dir, 4096)) {
            wal.continueAfter(40);
            assertEquals(50, wal.lastSequence(), "the log already reaches 40: nothing changes");
            wal.continueAfter(80);
            assertEquals(80, wal.lastSequence());
            assertEquals(81, wal.firstSequence());
            assertEquals(81, wal.append(payload(81)));
        }
        try (WriteAheadLog wal = WriteAheadLog.open(dir, 4096)) {
            assertEquals(81, wal.lastSequence());
            List<Long> seqs = new ArrayList<>();
            wal.replay(80, (s, p) -> seqs.add(s));
            assertEquals(List.of(81L), seqs);
        }
        try (Stream<Path> s = Files.list(dir.resolve(WriteAheadLog.SUPERSEDED_DIR))) {
            assertFalse(s.toList().isEmpty(), "the old segments are kept aside, not deleted");
        }
    }

    @Test
    void approvalsMustNameASegmentAndAnOffset() {
        assertEquals(new ApprovedTruncation("wal-00000000000000000001.log", 355000), ApprovedTruncation.parse("wal-00000000000000000001.log:355000"));
        assertThrows(IllegalArgumentException.class, () -> ApprovedTruncation.parse("355000"));
        assertThrows(IllegalArgumentException.class, () -> ApprovedTruncation.parse("../etc/passwd:1"));
        assertThrows(IllegalArgumentException.class, () -> ApprovedTruncation.parse("wal-00000000000000000001.log:x"));
        assertThrows(IllegalArgumentException.class, () -> ApprovedTruncation.parse("wal-00000000000000000001.log:-1"));
    }
}
