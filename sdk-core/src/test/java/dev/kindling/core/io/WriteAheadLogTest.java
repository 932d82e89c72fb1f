package dev.kindling.core.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriteAheadLogTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> replayAll(WriteAheadLog wal, long after) throws IOException {
        List<String> out = new ArrayList<>();
        wal.replay(after, (seq, p) -> out.add(seq + ":" + new String(p, StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void appendReplayAndReopenAcrossSegments() throws IOException {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, 4096)) {
            for (int i = 1; i <= 300; i++) {
                assertEquals(i, wal.append(bytes("example " + i)));
            }
        }
        assertTrue(segmentCount() > 1, "300 records should span several 4 KiB segments");
        try (WriteAheadLog wal = WriteAheadLog.open(dir, 4096)) {
            assertEquals(300, wal.lastSequence());
            List<String> tail = replayAll(wal, 295);
            assertEquals(List.of("296:example 296", "297:example 297", "298:example 298", "299:example 299", "300:example 300"), tail);
            assertEquals(301, wal.append(bytes("after reopen")));
            assertEquals(301, replayAll(wal, 0).size());
        }
    }

    @Test
    void concurrentAppendsGetUniqueSequencesAndAllSurvive() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (WriteAheadLog wal = WriteAheadLog.open(dir, 64 * 1024)) {
            List<Future<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 800; i++) {
                int n = i;
                futures.add(pool.submit(() -> wal.append(bytes("r" + n))));
            }
            Set<Long> seqs = Collections.synchronizedSet(new HashSet<>());
            for (Future<Long> f : futures) {
                seqs.add(f.get(30, TimeUnit.SECONDS));
            }
            assertEquals(800, seqs.size());
            assertEquals(800, replayAll(wal, 0).size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tornTailIsCutOffAndAppendingResumes() throws IOException {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, 1 << 20)) {
            wal.append(bytes("one"));
            wal.append(bytes("two"));
        }
        Path seg = Files.list(dir).findFirst().orElseThrow();
        long goodSize = Files.size(seg);
        // A crash in the middle of writing a third record: a header promising more bytes than exist.
        Files.write(seg, new byte[]{50, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3}, StandardOpenOption.APPEND);
        try (WriteAheadLog wal = WriteAheadLog.open(dir, 1 << 20)) {
            assertEquals(goodSize, Files.size(seg));
            assertEquals(List.of("1:one", "2:two"), replayAll(wal, 0));
            assertEquals(3, wal.append(bytes("three")));
        }
    }

    @Test
    void corruptionBeforeTheTailIsAnErrorNotSilentLoss() throws IOException {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, 4096)) {
            for (int i = 0; i < 200; i++) {
                wal.append(bytes("payload-" + i));
            }
        }
        Path first = Files.list(dir).sorted().findFirst().orElseThrow();
        byte[] b = Files.readAllBytes(first);
        b[20] ^= 0x55;
        Files.write(first, b);
        WriteAheadLogCorruptException e = assertThrows(WriteAheadLogCorruptException.class, () -> WriteAheadLog.open(dir, 4096));
        assertEquals(first, e.segment());
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().contains("is corrupt at byte 0"), e.getMessage());
    }

    @Test
    void truncateThroughDropsOnlyCheckpointedSegments() throws IOException {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, 4096)) {
            for (int i = 0; i < 400; i++) {
                wal.append(bytes("payload number " + i));
            }
            long before = segmentCount();
            wal.truncateThrough(200);
            long after = segmentCount();
            assertTrue(after < before, "some segments should be gone");
            List<String> rest = replayAll(wal, 200);
            assertEquals(200, rest.size());
            assertTrue(rest.get(0).startsWith("201:"));
        }
    }

    @Test
    void unsyncedAppendsShareOneSyncAndKeepLogOrder() throws IOException {
        List<Long> handedOver = new ArrayList<>();
        try (WriteAheadLog wal = WriteAheadLog.open(dir, 4096)) {
            long last = 0;
            for (int i = 1; i <= 100; i++) {
                last = wal.appendWithoutSync(bytes("job " + i), handedOver::add);
                assertEquals(i, last);
            }
            wal.awaitDurable(last);
            assertEquals(101, wal.append(bytes("feedback")), "a synced append follows the unsynced ones");
        }
        assertEquals(100, handedOver.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(i + 1, handedOver.get(i), "sequences are handed over in log order");
        }
        try (WriteAheadLog wal = WriteAheadLog.open(dir, 4096)) {
            List<String> all = replayAll(wal, 0);
            assertEquals(101, all.size());
            assertEquals("100:job 100", all.get(99));
        }
    }

    @Test
    void badUseIsRejected() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> WriteAheadLog.open(dir, 10));
        WriteAheadLog wal = WriteAheadLog.open(dir, 4096);
        assertThrows(IllegalArgumentException.class, () -> wal.append(new byte[WriteAheadLog.MAX_RECORD_BYTES + 1]));
        wal.close();
        assertThrows(IllegalStateException.class, () -> wal.append(bytes("late")));
    }

    private long segmentCount() throws IOException {
        try (var s = Files.list(dir)) {
            return s.count();
        }
    }
}
