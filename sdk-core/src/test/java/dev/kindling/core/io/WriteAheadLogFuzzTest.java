package dev.kindling.core.io;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kindling.core.testing.FuzzFiles;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing of write-ahead-log recovery: segments the fuzzer builds from intact records (so it
 * reaches past the checksums), then damages (flipped bytes, cuts, inserted or appended garbage, a whole segment
 * of raw bytes, a segment gap). Opening may only fail with a {@link WriteAheadLogCorruptException} that names
 * a file and an offset; approving exactly that cut must then open the log. An open log replays consecutive
 * sequences starting where its first segment says, every record it replays is one that was written there, it
 * takes an append, and a reopen replays the same records plus the new one.
 */
class WriteAheadLogFuzzTest {

    private static final Path DIR = FuzzFiles.scratch("wal");

    @FuzzTest(maxDuration = "10s")
    void recover(FuzzedDataProvider data) throws IOException {
        FuzzFiles.clear(DIR);
        Path dir = DIR.resolve("wal");
        Files.createDirectories(dir);
        List<byte[]> written = new ArrayList<>();
        long first = data.consumeLong(1, 1_000_000_000_000L);
        int segments = data.consumeInt(1, 4);
        long seq = first;
        // Raw or inserted bytes may hold records of their own (the fuzzer can forge checksums): then only sequences are checked.
        boolean[] exact = {true};
        for (int s = 0; s < segments && data.remainingBytes() > 0; s++) {
            if (data.consumeBoolean() && s > 0) {
                seq += data.consumeInt(1, 3);   // a gap: a missing segment
            }
            long segmentStart = seq;
            ByteArrayOutputStream segment = new ByteArrayOutputStream();
            if (data.consumeInt(0, 15) == 0) {
                segment.writeBytes(data.consumeBytes(data.consumeInt(0, 300)));   // raw bytes
                exact[0] = false;
            } else {
                int records = data.consumeInt(0, 8);
                for (int r = 0; r < records; r++) {
                    byte[] payload = data.consumeBytes(data.consumeInt(0, 40));
                    long recordSeq = data.consumeInt(0, 31) == 0 ? data.consumeLong() : seq;   // now and then a wrong sequence
                    ByteBuffer b = WalRecordFormat.encode(recordSeq, payload);
                    segment.write(b.array(), 0, b.limit());
                    written.add(payload);
                    seq++;
                }
            }
            byte[] bytes = damage(segment.toByteArray(), data, exact);
            Files.write(dir.resolve(String.format("wal-%020d.log", segmentStart)), bytes);
        }
        WriteAheadLog wal;
        try {
            wal = WriteAheadLog.open(dir, 4096);
        } catch (WriteAheadLogCorruptException e) {
            FuzzFiles.requireMessage(e);
            String name = e.segment().getFileName().toString();
            if (!e.getMessage().contains(name + ":" + e.offset())) {
                throw new AssertionError("the error does not say which cut to approve: " + e.getMessage());
            }
            // The operator approves exactly what the error proposes: the log must open now.
            wal = WriteAheadLog.open(dir, 4096, ApprovedTruncation.parse(name + ":" + e.offset()));
        }
        List<byte[]> replayed = new ArrayList<>();
        long[] expected = {wal.firstSequence()};
        try (WriteAheadLog open = wal) {
            open.replay(0, (s, payload) -> {
                if (s != expected[0]) {
                    throw new AssertionError("replay gave sequence " + s + " where " + expected[0] + " was expected");
                }
                expected[0]++;
                if (exact[0] && written.stream().noneMatch(w -> Arrays.equals(w, payload))) {
                    throw new AssertionError("replay gave a record that was never written: " + Arrays.toString(payload));
                }
                replayed.add(payload);
            });
            if (expected[0] - 1 != open.lastSequence()) {
                throw new AssertionError("replay ended at " + (expected[0] - 1) + " but the log's last sequence is " + open.lastSequence());
            }
            long next = open.append(new byte[]{42});
            if (next != open.lastSequence() || next != expected[0]) {
                throw new AssertionError("append got sequence " + next + " after a log ending at " + (expected[0] - 1));
            }
        }
        List<byte[]> again = new ArrayList<>();
        try (WriteAheadLog reopened = WriteAheadLog.open(dir, 4096)) {
            reopened.replay(0, (s, payload) -> again.add(payload));
        }
        if (again.size() != replayed.size() + 1 || !Arrays.equals(again.get(again.size() - 1), new byte[]{42})) {
            throw new AssertionError("reopening replays " + again.size() + " records, not the " + replayed.size() + " + 1 appended");
        }
        for (int i = 0; i < replayed.size(); i++) {
            if (!Arrays.equals(replayed.get(i), again.get(i))) {
                throw new AssertionError("record " + i + " differs after reopening");
            }
        }
    }

    private static byte[] damage(byte[] segment, FuzzedDataProvider data, boolean[] exact) {
        byte[] out = segment;
        int edits = data.consumeInt(0, 3);
        for (int i = 0; i < edits && data.remainingBytes() > 0; i++) {
            switch (data.consumeInt(0, 3)) {
                case 0 -> {
                    if (out.length > 0) {
                        out[data.consumeInt(0, out.length - 1)] ^= (byte) data.consumeInt(1, 255);
                    }
                }
                case 1 -> out = Arrays.copyOf(out, data.consumeInt(0, out.length));
                case 2 -> {
                    exact[0] = false;
                    int at = data.consumeInt(0, out.length);
                    byte[] junk = data.consumeBytes(data.consumeInt(1, 24));
                    byte[] grown = new byte[out.length + junk.length];
                    System.arraycopy(out, 0, grown, 0, at);
                    System.arraycopy(junk, 0, grown, at, junk.length);
                    System.arraycopy(out, at, grown, at + junk.length, out.length - at);
                    out = grown;
                }
                default -> {
                    exact[0] = false;
                    byte[] junk = data.consumeBytes(data.consumeInt(1, 24));
                    byte[] grown = Arrays.copyOf(out, out.length + junk.length);
                    System.arraycopy(junk, 0, grown, out.length, junk.length);
                    out = grown;
                }
            }
        }
        return out;
    }
}
