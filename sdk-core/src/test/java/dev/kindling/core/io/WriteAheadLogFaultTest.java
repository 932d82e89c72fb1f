package dev.kindling.core.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Storage faults during appends, injected into the segment's channel: a write that stops part-way with ENOSPC, a cut
 * that fails too, a segment that cannot be created, an fsync that fails. A failed write or roll fails that append
 * only and leaves the log usable; a failed fsync makes it refuse appends until reopened. In every case a reopened log
 * holds every acknowledged record, consecutively numbered.
 */
class WriteAheadLogFaultTest {

    @TempDir
    Path dir;

    /** Faults to inject, shared by every channel the log opens. */
    static final class Faults {
        volatile boolean failWrite;
        volatile boolean failTruncate;
        volatile boolean failForce;
        volatile boolean failOpen;
    }

    private final Faults faults = new Faults();

    private WriteAheadLog open() throws IOException {
        return WriteAheadLog.open(dir, 4096, null, (p, options) -> {
            if (faults.failOpen) {
                throw new IOException("No space left on device");
            }
            return new FaultyChannel(FileChannel.open(p, options), faults);
        });
    }

    private static byte[] record(int i) {
        return ("record " + i + " " + "x".repeat(i % 50)).getBytes(StandardCharsets.UTF_8);
    }

    /** Reopens the log without faults: its records in order, which must be consecutive from its first sequence. */
    private List<String> replay() throws IOException {
        List<String> out = new ArrayList<>();
        try (WriteAheadLog wal = WriteAheadLog.open(dir, 4096)) {
            long[] expected = {wal.firstSequence()};
            wal.replay(0, (seq, payload) -> {
                assertEquals(expected[0]++, seq, "consecutive sequences");
                out.add(new String(payload, StandardCharsets.UTF_8));
            });
        }
        return out;
    }

    @Test
    void aWriteThatStopsPartWayFailsThatAppendOnly() throws IOException {
        List<String> acknowledged = new ArrayList<>();
        try (WriteAheadLog wal = open()) {
            for (int i = 0; i < 10; i++) {
                wal.append(record(i));
                acknowledged.add(new String(record(i), StandardCharsets.UTF_8));
            }
            faults.failWrite = true;
            IOException e = assertThrows(IOException.class, () -> wal.append(record(99)));
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            assertThrows(IOException.class, () -> wal.append(record(98)));
            faults.failWrite = false;
            for (int i = 10; i < 200; i++) {   // past segment rolls too
                wal.append(record(i));
                acknowledged.add(new String(record(i), StandardCharsets.UTF_8));
            }
        }
        assertEquals(acknowledged, replay());
    }

    @Test
    void aCutThatFailsIsRetriedByTheNextAppend() throws IOException {
        List<String> acknowledged = new ArrayList<>();
        try (WriteAheadLog wal = open()) {
            wal.append(record(1));
            acknowledged.add(new String(record(1), StandardCharsets.UTF_8));
            faults.failWrite = true;
            faults.failTruncate = true;
            assertThrows(IOException.class, () -> wal.append(record(99)));
            faults.failWrite = false;
            // The partial record is still there and cannot be cut yet: nothing may be written after it.
            IOException still = assertThrows(IOException.class, () -> wal.append(record(98)));
            assertTrue(still.getMessage().contains("cannot remove the partial record"), still.getMessage());
            faults.failTruncate = false;
            wal.append(record(2));
            acknowledged.add(new String(record(2), StandardCharsets.UTF_8));
        }
        assertEquals(acknowledged, replay());
    }

    @Test
    void aSegmentThatCannotBeCreatedFailsThatAppendOnly() throws IOException {
        List<String> acknowledged = new ArrayList<>();
        try (WriteAheadLog wal = open()) {
            int i = 0;
            long firstSegmentEnd = -1;
            while (firstSegmentEnd < 0) {   // fill the first segment up to its size, so the next append rolls
                wal.append(record(i));
                acknowledged.add(new String(record(i), StandardCharsets.UTF_8));
                i++;
                if (java.nio.file.Files.size(dir.resolve("wal-00000000000000000001.log")) >= 4096) {
                    firstSegmentEnd = i;
                }
            }
            faults.failOpen = true;
            assertThrows(IOException.class, () -> wal.append(record(99)));
            assertThrows(IOException.class, () -> wal.append(record(98)));
            faults.failOpen = false;
            for (int k = 0; k < 5; k++) {
                wal.append(record(1000 + k));
                acknowledged.add(new String(record(1000 + k), StandardCharsets.UTF_8));
            }
        }
        assertEquals(acknowledged, replay());
    }

    @Test
    void aFailedFsyncMakesTheLogRefuseAppendsUntilReopened() throws IOException {
        List<String> acknowledged = new ArrayList<>();
        try (WriteAheadLog wal = open()) {
            for (int i = 0; i < 5; i++) {
                wal.append(record(i));
                acknowledged.add(new String(record(i), StandardCharsets.UTF_8));
            }
            faults.failForce = true;
            IOException e = assertThrows(IOException.class, () -> wal.append(record(99)));
            assertTrue(e.getMessage().contains("fsync failed"), e.getMessage());
            faults.failForce = false;
            // A later fsync would succeed, but proves nothing about the pages the failed one lost: refused.
            IOException refused = assertThrows(IOException.class, () -> wal.append(record(98)));
            assertTrue(refused.getMessage().contains("refuses appends since an fsync failed"), refused.getMessage());
            assertThrows(IOException.class, () -> wal.appendWithoutSync(record(97), null));
        }
        // Reopened (a restart): every acknowledged record is there. The one whose fsync failed was never acknowledged;
        // it may be there or not, depending on what reached the disk.
        List<String> after = replay();
        assertEquals(acknowledged, after.subList(0, acknowledged.size()));
        assertTrue(after.size() <= acknowledged.size() + 1, after.toString());
        try (WriteAheadLog wal = WriteAheadLog.open(dir, 4096)) {
            wal.append(record(7));
        }
    }

    /** A file channel that fails as {@link Faults} says; a failing write first writes part of what it was given. */
    private static final class FaultyChannel extends FileChannel {
        private final FileChannel d;
        private final Faults faults;

        FaultyChannel(FileChannel d, Faults faults) {
            this.d = d;
            this.faults = faults;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (faults.failWrite) {
                if (src.remaining() > 1) {
                    ByteBuffer half = src.duplicate();
                    half.limit(src.position() + src.remaining() / 2);
                    int n = d.write(half);
                    src.position(src.position() + n);
                    return n;   // a short write; the next call fails
                }
                throw new IOException("No space left on device");
            }
            return d.write(src);
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            if (faults.failTruncate) {
                throw new IOException("Input/output error");
            }
            d.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            if (faults.failForce) {
                throw new IOException("Input/output error");
            }
            d.force(metaData);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return d.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return d.read(dsts, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            throw new UnsupportedOperationException();
        }

        @Override
        public long position() throws IOException {
            return d.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            d.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return d.size();
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return d.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return d.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return d.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return d.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return d.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            d.close();
        }
    }
}
