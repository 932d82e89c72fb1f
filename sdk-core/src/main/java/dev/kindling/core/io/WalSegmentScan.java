package dev.kindling.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;

/**
 * One write-ahead-log segment read from its start: the last intact sequence, and when reading stopped
 * before the end, where and why ({@code damagedAt}, {@code problem}), plus whether intact records follow
 * the damage ({@code intactAfter}). Intact records after damage prove that complete, acknowledged
 * records were damaged; without them the damage may be a torn tail, an append a crash cut short.
 *
 * @param lastSequence the last intact record's sequence (the one before the segment's first when none)
 * @param damagedAt    byte offset of the first record that is not intact, or -1 when the whole segment is
 * @param intactAfter  intact records found after the damage (empty when none)
 */
record WalSegmentScan(Path segment, long size, long lastSequence, long damagedAt, String problem, IntactRun intactAfter) {

    /** Intact, consecutive records found after damage: where the first starts and the sequences they hold. */
    record IntactRun(long offset, long firstSequence, long lastSequence) {

        static final IntactRun NONE = new IntactRun(-1, 0, -1);

        boolean found() {
            return offset >= 0;
        }

        long count() {
            return lastSequence - firstSequence + 1;
        }
    }

    boolean damaged() {
        return damagedAt >= 0;
    }

    /**
     * Reads {@code segment}, whose first record must have sequence {@code firstSequence}; hands every intact
     * record above {@code afterSeq} to {@code consumer} (may be null) in order.
     */
    static WalSegmentScan read(Path segment, long firstSequence, long afterSeq, BiConsumer<Long, byte[]> consumer) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segment)).order(ByteOrder.LITTLE_ENDIAN);
        long expected = firstSequence;
        int at = 0;
        while (at < b.limit()) {
            WalRecordFormat.Read r = WalRecordFormat.read(b, at, expected);
            if (!r.intact()) {
                return new WalSegmentScan(segment, b.limit(), expected - 1, at, r.problem(), intactRunAfter(b, at, expected - 1));
            }
            if (consumer != null && r.sequence() > afterSeq) {
                byte[] payload = new byte[r.length()];
                b.get(at + WalRecordFormat.HEADER, payload);
                consumer.accept(r.sequence(), payload);
            }
            at += r.size();
            expected++;
        }
        return new WalSegmentScan(segment, b.limit(), expected - 1, -1, null, IntactRun.NONE);
    }

    /**
     * Searches every byte position after the damage for an intact record that could follow {@code lastGood}
     * (its checksum matches and its sequence lies between the next one and as many as the remaining bytes
     * can hold), then follows the run of consecutive intact records from there.
     */
    private static IntactRun intactRunAfter(ByteBuffer b, int damagedAt, long lastGood) {
        long highest = lastGood + 1 + (b.limit() - damagedAt) / WalRecordFormat.SMALLEST;
        for (int at = damagedAt + 1; at <= b.limit() - WalRecordFormat.SMALLEST; at++) {
            if (WalRecordFormat.intactWithin(b, at, lastGood + 1, highest)) {
                long first = b.getLong(at + Integer.BYTES);
                long seq = first;
                int next = at;
                WalRecordFormat.Read r;
                while (next < b.limit() && (r = WalRecordFormat.read(b, next, seq)).intact()) {
                    next += r.size();
                    seq++;
                }
                return new IntactRun(at, first, seq - 1);
            }
        }
        return IntactRun.NONE;
    }
}
