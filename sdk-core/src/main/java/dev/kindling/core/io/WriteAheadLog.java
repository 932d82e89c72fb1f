package dev.kindling.core.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * An append-only, crash-safe log of opaque records (e.g. labelled examples accepted for fine-tuning).
 * {@link #append} returns only once the record is on stable storage, so whoever acknowledges after it
 * may promise the record survives a crash. Concurrent appenders share each {@code fsync} (group commit).
 *
 * <p>Records carry increasing sequence numbers and a CRC32C. The log lives in segment files
 * {@code wal-<first sequence>.log}; on open, a torn record at the end of the last segment (a crash
 * mid-write, never acknowledged) is cut off, while corruption anywhere else is an error. A checkpoint
 * that contains everything up to sequence S lets {@link #truncateThrough(long)} drop whole segments.
 *
 * <p>Record layout: int payload length, long sequence, payload, int CRC32C of (sequence, payload); little-endian.
 */
public final class WriteAheadLog implements Closeable {

    private static final int HEADER = Integer.BYTES + Long.BYTES;
    private static final int TRAILER = Integer.BYTES;
    /** Largest accepted payload: guards replay against a corrupt length field. */
    public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    private final Path dir;
    private final long segmentBytes;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition synced = syncLock.newCondition();

    private FileChannel current;
    private long currentSize;
    private long lastSeq;
    private volatile long durableSeq;
    private boolean syncing;
    private IOException syncFailure;
    private volatile boolean closed;
    private volatile IOException writeFailure;

    private WriteAheadLog(Path dir, long segmentBytes) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
    }

    /** Opens (or creates) the log in {@code dir}, repairing a torn tail; segments roll over near {@code segmentBytes}. */
    public static WriteAheadLog open(Path dir, long segmentBytes) throws IOException {
        if (segmentBytes < 4096) {
            throw new IllegalArgumentException("WAL segment size must be at least 4096 bytes, got " + segmentBytes);
        }
        Files.createDirectories(dir);
        WriteAheadLog wal = new WriteAheadLog(dir, segmentBytes);
        wal.recover();
        return wal;
    }

    private void recover() throws IOException {
        List<Path> segments = segments();
        long seq = 0;
        for (int i = 0; i < segments.size(); i++) {
            boolean last = i == segments.size() - 1;
            ScanResult r = scan(segments.get(i), seq, null, Long.MIN_VALUE);
            if (r.tornAt >= 0) {
                if (!last) {
                    throw new CheckpointFormatException("write-ahead log segment " + segments.get(i) + " is corrupt at byte " + r.tornAt
                            + " and is not the last segment: refusing to drop acknowledged records");
                }
                try (FileChannel ch = FileChannel.open(segments.get(i), StandardOpenOption.WRITE)) {
                    ch.truncate(r.tornAt);
                    ch.force(true);
                }
            }
            seq = r.lastSeq;
        }
        lastSeq = seq;
        durableSeq = seq;
        if (!segments.isEmpty()) {
            Path tail = segments.get(segments.size() - 1);
            current = FileChannel.open(tail, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            currentSize = current.size();
        }
    }

    /** The sequence number of the last record written (durable or about to be). */
    public long lastSequence() {
        writeLock.lock();
        try {
            return lastSeq;
        } finally {
            writeLock.unlock();
        }
    }

    /** Appends {@code payload} and returns its sequence number once it is durably stored. */
    public long append(byte[] payload) throws IOException {
        return append(payload, null);
    }

    /**
     * Appends {@code payload}; {@code onSequenced} (may be null) is called with the record's sequence
     * number while the log is still locked, so callers see sequences in log order (e.g. to hand records
     * to a consumer in that order). Returns once the record is durably stored.
     */
    public long append(byte[] payload, java.util.function.LongConsumer onSequenced) throws IOException {
        long seq = appendWithoutSync(payload, onSequenced);
        awaitDurable(seq);
        return seq;
    }

    /**
     * Like {@link #append(byte[], java.util.function.LongConsumer)} but returns as soon as the record is
     * written, before it is forced to disk: nothing may treat it as durable before {@link #awaitDurable}
     * returned for its sequence. Lets a writer whose source is durable elsewhere (a stored batch job) share
     * one {@code fsync} among many records instead of waiting for each.
     */
    public long appendWithoutSync(byte[] payload, java.util.function.LongConsumer onSequenced) throws IOException {
        if (payload.length > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("WAL record of " + payload.length + " bytes exceeds the limit of " + MAX_RECORD_BYTES);
        }
        long seq;
        writeLock.lock();
        try {
            ensureOpen();
            if (current == null || currentSize >= segmentBytes) {
                roll();
            }
            seq = lastSeq + 1;
            ByteBuffer buf = ByteBuffer.allocate(HEADER + payload.length + TRAILER).order(ByteOrder.LITTLE_ENDIAN);
            buf.putInt(payload.length).putLong(seq).put(payload).putInt(crc(seq, payload)).flip();
            try {
                while (buf.hasRemaining()) {
                    current.write(buf);
                }
            } catch (IOException e) {
                // Cut the partial record off so the next append does not follow it; otherwise recovery would
                // take it for a torn tail and drop every acknowledged record written after it.
                try {
                    current.truncate(currentSize);
                } catch (IOException t) {
                    e.addSuppressed(t);
                    writeFailure = e;
                }
                throw e;
            }
            currentSize += HEADER + payload.length + TRAILER;
            lastSeq = seq;
            if (onSequenced != null) {
                onSequenced.accept(seq);
            }
        } finally {
            writeLock.unlock();
        }
        return seq;
    }

    /**
     * Blocks until every record up to {@code seq} is forced to disk (one thread forces for all waiters);
     * fails if forcing failed, in which case those records must be treated as never written.
     */
    public void awaitDurable(long seq) throws IOException {
        syncLock.lock();
        try {
            while (durableSeq < seq) {
                if (syncFailure != null) {
                    throw new IOException("write-ahead log fsync failed", syncFailure);
                }
                if (syncing) {
                    synced.awaitUninterruptibly();
                    continue;
                }
                syncing = true;
                syncLock.unlock();
                long target;
                IOException failure = null;
                writeLock.lock();
                FileChannel ch;
                try {
                    target = lastSeq;
                    ch = current;
                } finally {
                    writeLock.unlock();
                }
                try {
                    ch.force(false);
                } catch (java.nio.channels.ClosedChannelException e) {
                    // A roll or close forced this channel, records up to target included, before closing it.
                } catch (IOException e) {
                    failure = e;
                }
                syncLock.lock();
                syncing = false;
                if (failure != null) {
                    syncFailure = failure;
                } else {
                    durableSeq = Math.max(durableSeq, target);
                }
                synced.signalAll();
            }
        } finally {
            syncLock.unlock();
        }
    }

    private void roll() throws IOException {
        if (current != null) {
            current.force(false);
            durableSeqAtLeast(lastSeq);
            current.close();
        }
        Path next = dir.resolve(String.format("wal-%020d.log", lastSeq + 1));
        current = FileChannel.open(next, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        currentSize = 0;
        forceDirectory();
    }

    private void durableSeqAtLeast(long seq) {
        syncLock.lock();
        try {
            durableSeq = Math.max(durableSeq, seq);
            synced.signalAll();
        } finally {
            syncLock.unlock();
        }
    }

    /** Calls {@code consumer(sequence, payload)} for every record with a sequence above {@code afterSeq}, in order. */
    public void replay(long afterSeq, BiConsumer<Long, byte[]> consumer) throws IOException {
        writeLock.lock();
        try {
            long seq = 0;
            for (Path p : segments()) {
                ScanResult r = scan(p, seq, consumer, afterSeq);
                if (r.tornAt >= 0) {
                    throw new CheckpointFormatException("write-ahead log segment " + p + " is corrupt at byte " + r.tornAt);
                }
                seq = r.lastSeq;
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Deletes whole segments whose records all have sequence ≤ {@code seq} (already in a checkpoint). */
    public void truncateThrough(long seq) throws IOException {
        writeLock.lock();
        try {
            List<Path> segs = segments();
            for (int i = 0; i + 1 < segs.size(); i++) {
                long nextFirst = firstSeqOf(segs.get(i + 1));
                if (nextFirst - 1 <= seq) {
                    Files.delete(segs.get(i));
                }
            }
            forceDirectory();
        } finally {
            writeLock.unlock();
        }
    }

    private record ScanResult(long lastSeq, long tornAt) {
    }

    /** Reads one segment; returns the last good sequence and the byte where a bad record starts (or -1). */
    private ScanResult scan(Path segment, long prevSeq, BiConsumer<Long, byte[]> consumer, long afterSeq) throws IOException {
        byte[] all = Files.readAllBytes(segment);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        long seq = prevSeq;
        while (b.remaining() > 0) {
            int start = b.position();
            if (b.remaining() < HEADER + TRAILER) {
                return new ScanResult(seq, start);
            }
            int len = b.getInt();
            long s = b.getLong();
            if (len < 0 || len > MAX_RECORD_BYTES || b.remaining() < len + TRAILER || (seq != 0 && s != seq + 1)) {
                return new ScanResult(seq, start);
            }
            byte[] payload = new byte[len];
            b.get(payload);
            if (b.getInt() != crc(s, payload)) {
                return new ScanResult(seq, start);
            }
            seq = s;
            if (consumer != null && s > afterSeq) {
                consumer.accept(s, payload);
            }
        }
        return new ScanResult(seq, -1);
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.filter(p -> p.getFileName().toString().matches("wal-\\d{20}\\.log")).sorted().toList());
        }
    }

    private static long firstSeqOf(Path segment) {
        String n = segment.getFileName().toString();
        return Long.parseLong(n.substring(4, 24));
    }

    private static int crc(long seq, byte[] payload) {
        CRC32C c = new CRC32C();
        ByteBuffer s = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(seq).flip();
        c.update(s);
        c.update(payload);
        return (int) c.getValue();
    }

    private void forceDirectory() {
        AtomicFiles.forceDirectory(dir);
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IllegalStateException("write-ahead log in " + dir + " is closed");
        }
        if (writeFailure != null) {
            throw new IOException("write-ahead log in " + dir + " failed and could not remove a partial record", writeFailure);
        }
    }

    @Override
    public void close() throws IOException {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (current != null) {
                current.force(false);
                current.close();
            }
        } finally {
            writeLock.unlock();
        }
    }
}
