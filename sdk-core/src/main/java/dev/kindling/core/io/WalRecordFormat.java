package dev.kindling.core.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The layout of one write-ahead-log record: int payload length, long sequence, payload, int CRC32C of
 * (sequence, payload); little-endian. {@link #read} says whether a complete, intact record with the
 * expected sequence starts at a position, and if not, why not.
 */
final class WalRecordFormat {

    static final int HEADER = Integer.BYTES + Long.BYTES;
    static final int TRAILER = Integer.BYTES;
    static final int SMALLEST = HEADER + TRAILER;

    /** What is at one position of a segment: an intact record ({@code problem} null) or why there is none. */
    record Read(long sequence, int length, String problem) {

        boolean intact() {
            return problem == null;
        }

        int size() {
            return SMALLEST + length;
        }
    }

    private WalRecordFormat() {
    }

    static ByteBuffer encode(long seq, byte[] payload) {
        ByteBuffer buf = ByteBuffer.allocate(SMALLEST + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        return buf.putInt(payload.length).putLong(seq).put(payload).putInt(crc(seq, payload)).flip();
    }

    /** Reads the record at {@code at} of {@code segment}, which must have sequence {@code expected}. */
    static Read read(ByteBuffer segment, int at, long expected) {
        int left = segment.limit() - at;
        if (left < SMALLEST) {
            return new Read(-1, -1, "only " + left + " bytes remain, fewer than the " + SMALLEST + " of the smallest record");
        }
        int length = segment.getInt(at);
        long seq = segment.getLong(at + Integer.BYTES);
        if (length < 0 || length > WriteAheadLog.MAX_RECORD_BYTES) {
            return new Read(seq, length, "record length " + length + " is impossible (expected 0.." + WriteAheadLog.MAX_RECORD_BYTES + ")");
        }
        if (length > left - SMALLEST) {
            return new Read(seq, length, "a record of " + length + " payload bytes runs past the end of the segment (" + left
                    + " bytes remain)");
        }
        if (segment.getInt(at + HEADER + length) != crc(seq, segment, at + HEADER, length)) {
            return new Read(seq, length, "checksum mismatch (record of " + length + " bytes, sequence field " + seq + ")");
        }
        if (seq != expected) {
            return new Read(seq, length, "intact record has sequence " + seq + " where " + expected + " was expected");
        }
        return new Read(seq, length, null);
    }

    /** Whether an intact record (by its checksum) with a sequence in {@code [low, high]} starts at {@code at}. */
    static boolean intactWithin(ByteBuffer segment, int at, long low, long high) {
        int left = segment.limit() - at;
        if (left < SMALLEST) {
            return false;
        }
        int length = segment.getInt(at);
        if (length < 0 || length > left - SMALLEST) {
            return false;
        }
        long seq = segment.getLong(at + Integer.BYTES);
        return seq >= low && seq <= high && segment.getInt(at + HEADER + length) == crc(seq, segment, at + HEADER, length);
    }

    static int crc(long seq, byte[] payload) {
        return crc(seq, ByteBuffer.wrap(payload), 0, payload.length);
    }

    private static int crc(long seq, ByteBuffer data, int from, int length) {
        CRC32C c = new CRC32C();
        c.update(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(seq).flip());
        c.update(data.duplicate().limit(from + length).position(from));
        return (int) c.getValue();
    }
}
