package dev.kindling.core.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An append-only, crash-safe log of opaque records (e.g. labelled examples accepted for fine-tuning).
 * {@link #append} returns only once the record is on stable storage, so whoever acknowledges after it
 * may promise the record survives a crash. Concurrent appenders share each {@code fsync} (group commit).
 *
 * <p>Records carry consecutive sequence numbers and a CRC32C. The log lives in segment files
 * {@code wal-<first sequence>.log}. Opening tells two kinds of damage apart:
 * <ul>
 *   <li>a <b>torn tail</b>: the last segment ends in bytes that are not an intact record and no intact
 *   record follows them (a crash cut an append short; it was never acknowledged). It is cut off, with a
 *   warning naming the file, offset and bytes.</li>
 *   <li><b>corruption</b>: a damaged record with an intact record after it, in any segment but the last,
 *   or segments whose sequences do not continue. Those are acknowledged records: opening fails with a
 *   {@link WriteAheadLogCorruptException} naming file and offset, after copying the segment untouched into
 *   {@code damaged/}. Nothing is cut unless the operator approves exactly that cut ({@link ApprovedTruncation}).</li>
 * </ul>
 * A checkpoint that contains everything up to sequence S lets {@link #truncateThrough(long)} drop whole segments.
 *
 * <p>When storage fails (a full disk, a read-only file system, a device error):
 * <ul>
 *   <li>a failed <b>write</b> (ENOSPC, EDQUOT, EROFS) fails that append; the partial record is cut off again, so
 *   the log stays usable and the next append succeeds once space is back (if even the cut fails, the next append
 *   retries it before writing). A failed segment roll likewise leaves the log as it was.</li>
 *   <li>a failed <b>fsync</b> fails every append not yet durable, and the log refuses appends from then on
 *   until it is reopened: after a failed fsync the kernel may have dropped the unwritten pages and report later
 *   fsyncs as successful, so nothing written after it could be promised durable (a crash would leave a hole
 *   before acknowledged records). Reopening (a restart) recovers from what is on disk; every record
 *   acknowledged before the failure was forced before it and is there.</li>
 * </ul>
 *
 * <p>Record layout: see {@link WalRecordFormat}.
 */
public final class WriteAheadLog implements Closeable {

    private static final Logger log = Logger.getLogger(WriteAheadLog.class.getName());
    private static final Pattern SEGMENT_NAME = Pattern.compile("wal-\\d{20}\\.log");
    /** Largest accepted payload: guards replay against a corrupt length field. */
    public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;
    /** Where untouched copies of damaged segments (and segments an approved truncation dropped) are kept. */
    public static final String DAMAGED_DIR = "damaged";
    /** Where segments go that {@link #continueAfter} left behind (all their records are in a checkpoint). */
    public static final String SUPERSEDED_DIR = "superseded";

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
    /** A failed write whose partial record could not be cut off yet: the next append cuts it first. */
    private volatile IOException writeFailure;

    /** Opens the segment appended to: {@code FileChannel::open}, or in tests a channel that fails on demand. */
    @FunctionalInterface
    interface SegmentOpener {
        FileChannel open(Path segment, java.nio.file.OpenOption... options) throws IOException;
    }

    private final SegmentOpener opener;

    private WriteAheadLog(Path dir, long segmentBytes, SegmentOpener opener) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.opener = opener;
    }

    /** Opens (or creates) the log in {@code dir}, cutting off a torn tail; segments roll over near {@code segmentBytes}. */
    public static WriteAheadLog open(Path dir, long segmentBytes) throws IOException {
        return open(dir, segmentBytes, null);
    }

    /**
     * As {@link #open(Path, long)}; when the log's first damage is exactly at {@code approved} (may be null),
     * cuts the log there instead of failing, as the operator approved.
     */
    public static WriteAheadLog open(Path dir, long segmentBytes, ApprovedTruncation approved) throws IOException {
        return open(dir, segmentBytes, approved, FileChannel::open);
    }

    static WriteAheadLog open(Path dir, long segmentBytes, ApprovedTruncation approved, SegmentOpener opener) throws IOException {
        if (segmentBytes < 4096) {
            throw new IllegalArgumentException("WAL segment size must be at least 4096 bytes, got " + segmentBytes);
        }
        Files.createDirectories(dir);
        WriteAheadLog wal = new WriteAheadLog(dir, segmentBytes, opener);
        wal.recover(approved);
        return wal;
    }

    /** Whether {@code fileName} names a log segment. */
    public static boolean isSegmentName(String fileName) {
        return SEGMENT_NAME.matcher(fileName).matches();
    }

    private void recover(ApprovedTruncation approved) throws IOException {
        List<Path> segments = segments();
        // The first segment's name says where the log starts (earlier segments were trimmed after a checkpoint).
        long seq = segments.isEmpty() ? 0 : firstSeqOf(segments.get(0)) - 1;
        boolean approvalUsed = false;
        for (int i = 0; i < segments.size(); i++) {
            Path segment = segments.get(i);
            boolean last = i == segments.size() - 1;
            if (firstSeqOf(segment) != seq + 1 && approved != null && approved.offset() == 0
                    && approved.segment().equals(segment.getFileName().toString())) {
                dropAsApproved(segments.subList(i, segments.size()), "sequences " + (seq + 1) + ".." + (firstSeqOf(segment) - 1)
                        + " are missing before " + segment);
                approvalUsed = true;
                break;
            }
            checkContinues(segment, seq);
            WalSegmentScan scan = WalSegmentScan.read(segment, seq + 1, Long.MAX_VALUE, null);
            seq = scan.lastSequence();
            if (!scan.damaged()) {
                continue;
            }
            if (last && !scan.intactAfter().found()) {
                cutTornTail(scan);
            } else if (approves(approved, scan)) {
                cutAsApproved(scan, segments.subList(i + 1, segments.size()));
                approvalUsed = true;
                break;
            } else {
                throw corruption(scan, last, approved);
            }
        }
        if (approved != null && !approvalUsed) {
            log.warning("write-ahead log " + dir + ": the approved truncation " + approved + " was not needed (no corruption there);"
                    + " it cut nothing. Remove the approval.");
        }
        lastSeq = seq;
        durableSeq = seq;
        List<Path> kept = segments();
        if (!kept.isEmpty()) {
            current = opener.open(kept.get(kept.size() - 1), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            currentSize = current.size();
        }
    }

    private static boolean approves(ApprovedTruncation approved, WalSegmentScan scan) {
        return approved != null && approved.offset() == scan.damagedAt() && approved.segment().equals(scan.segment().getFileName().toString());
    }

    /** A segment must start right after the one before it; a gap means a segment is missing. */
    private void checkContinues(Path segment, long previousLast) throws IOException {
        long first = firstSeqOf(segment);
        if (first != previousLast + 1) {
            Path copy = keepAside(segment, 0);
            throw new WriteAheadLogCorruptException("write-ahead log segment " + segment + " is corrupt at byte 0: it starts at sequence "
                    + first + " but the log before it ends at " + previousLast + " (a segment is missing or misnamed). Acknowledged"
                    + " records may be lost; nothing was changed. An untouched copy is in " + copy + ". To end the log at sequence "
                    + previousLast + " and drop this segment and every later one, approve the truncation " + segment.getFileName()
                    + ":0.", segment, 0);
        }
    }

    private void cutTornTail(WalSegmentScan scan) throws IOException {
        long cut = scan.size() - scan.damagedAt();
        log.warning("write-ahead log " + scan.segment() + ": cutting off a torn tail of " + cut + " bytes at byte " + scan.damagedAt()
                + " (" + scan.problem() + "; no intact record follows, so a crash cut an unacknowledged append short); the log"
                + " ends at sequence " + scan.lastSequence());
        truncate(scan.segment(), scan.damagedAt());
    }

    private void cutAsApproved(WalSegmentScan scan, List<Path> later) throws IOException {
        Path copy = keepAside(scan.segment(), scan.damagedAt());
        truncate(scan.segment(), scan.damagedAt());
        Path aside = Files.createDirectories(dir.resolve(DAMAGED_DIR));
        for (Path p : later) {
            Files.move(p, aside.resolve(p.getFileName() + ".dropped"), StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory();
        log.severe("write-ahead log " + scan.segment() + ": AS APPROVED BY THE OPERATOR, cut at byte " + scan.damagedAt() + " ("
                + scan.problem() + "): every record after sequence " + scan.lastSequence() + " is dropped from the log"
                + (scan.intactAfter().found() ? ", among them " + scan.intactAfter().count() + " intact records (sequences "
                + scan.intactAfter().firstSequence() + ".." + scan.intactAfter().lastSequence() + ")" : "")
                + (later.isEmpty() ? "" : ", and " + later.size() + " later segments moved to " + aside)
                + ". The untouched segment is in " + copy + ".");
    }

    /** An approved cut at a missing segment: it and every later segment leave the log (moved to {@code damaged/}). */
    private void dropAsApproved(List<Path> dropped, String why) throws IOException {
        Path aside = Files.createDirectories(dir.resolve(DAMAGED_DIR));
        for (Path p : dropped) {
            Files.move(p, aside.resolve(p.getFileName() + ".dropped"), StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory();
        log.severe("write-ahead log " + dir + ": AS APPROVED BY THE OPERATOR, " + why + ": " + dropped.size()
                + " segments from there on are dropped from the log and moved to " + aside + ".");
    }

    private WriteAheadLogCorruptException corruption(WalSegmentScan scan, boolean last, ApprovedTruncation approved) throws IOException {
        Path copy = keepAside(scan.segment(), scan.damagedAt());
        String name = scan.segment().getFileName().toString();
        WalSegmentScan.IntactRun run = scan.intactAfter();
        String evidence = run.found()
                ? "intact records follow it (sequences " + run.firstSequence() + ".." + run.lastSequence() + " from byte " + run.offset() + ")"
                : "it is not in the last segment";
        return new WriteAheadLogCorruptException("write-ahead log segment " + scan.segment() + " is corrupt at byte " + scan.damagedAt()
                + ": " + scan.problem() + ". This is not a torn tail: " + evidence + (last ? "" : " and later segments hold more records")
                + ", so acknowledged records are damaged. Nothing was changed; an untouched copy of the segment is in " + copy
                + ". To cut the log there and drop every record after sequence " + scan.lastSequence() + ", approve the truncation "
                + name + ":" + scan.damagedAt() + (approved == null ? "" : " (the approved " + approved + " does not match)") + ".",
                scan.segment(), scan.damagedAt());
    }

    /** Copies a damaged segment, untouched, into {@code damaged/} (once per damage); returns the copy. */
    private Path keepAside(Path segment, long offset) throws IOException {
        Path aside = Files.createDirectories(dir.resolve(DAMAGED_DIR));
        Path copy = aside.resolve(segment.getFileName() + ".damaged-at-" + offset);
        if (!Files.exists(copy) || Files.mismatch(copy, segment) != -1) {
            Path tmp = aside.resolve(copy.getFileName() + ".tmp");
            Files.copy(segment, tmp, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            AtomicFiles.forceDirectory(aside);
        }
        return copy;
    }

    private static void truncate(Path segment, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(at);
            ch.force(true);
        }
    }

    /** The first sequence the log still holds (after {@link #truncateThrough}); {@code lastSequence() + 1} when it holds none. */
    public long firstSequence() throws IOException {
        writeLock.lock();
        try {
            List<Path> segments = segments();
            return segments.isEmpty() ? lastSeq + 1 : firstSeqOf(segments.get(0));
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Makes the next record's sequence {@code seq + 1} when the log ends before {@code seq}: a checkpoint
     * holds everything up to {@code seq}, but the log was lost or cut before it (e.g. by an approved
     * truncation). Its segments, all of whose records are in that checkpoint, move to {@code superseded/};
     * without this, new records would reuse sequences the checkpoint already covers and be skipped on replay.
     */
    public void continueAfter(long seq) throws IOException {
        writeLock.lock();
        try {
            ensureOpen();
            if (seq <= lastSeq) {
                return;
            }
            if (current != null) {
                force(current);
                current.close();
                current = null;
            }
            List<Path> old = segments();
            if (!old.isEmpty()) {
                Path aside = Files.createDirectories(dir.resolve(SUPERSEDED_DIR));
                for (Path p : old) {
                    Files.move(p, aside.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            log.warning("write-ahead log " + dir + " ends at sequence " + lastSeq + ", before the checkpoint's " + seq
                    + ": numbering continues after " + seq + (old.isEmpty() ? "" : "; its " + old.size() + " segments moved to "
                    + dir.resolve(SUPERSEDED_DIR)));
            lastSeq = seq;
            durableSeqAtLeast(seq);
            roll();
        } finally {
            writeLock.unlock();
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
            ByteBuffer buf = WalRecordFormat.encode(seq, payload);
            try {
                while (buf.hasRemaining()) {
                    current.write(buf);
                }
            } catch (IOException e) {
                // Cut the partial record off so the next append does not follow it; otherwise recovery would
                // take it for a torn tail and drop every acknowledged record written after it. Should the cut
                // fail too, the next append retries it before writing (ensureOpen).
                try {
                    current.truncate(currentSize);
                } catch (IOException t) {
                    e.addSuppressed(t);
                    writeFailure = e;
                }
                throw e;
            }
            currentSize += buf.limit();
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
                    throw new IOException("write-ahead log in " + dir + ": fsync failed (" + syncFailure.getMessage() + "); records after"
                            + " sequence " + durableSeq + " are not durable", syncFailure);
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
                    if (ch != null) {   // null: a roll forced and closed the segment, records up to target included
                        ch.force(false);
                    }
                } catch (java.nio.channels.ClosedChannelException e) {
                    // A roll or close forced this channel, records up to target included, before closing it.
                } catch (IOException e) {
                    failure = e;
                }
                syncLock.lock();
                syncing = false;
                if (failure != null) {
                    if (syncFailure == null) {
                        syncFailure = failure;
                    }
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
            force(current);
            durableSeqAtLeast(lastSeq);
            FileChannel old = current;
            current = null;   // closed: should the new segment not be created, the next append tries again
            old.close();
        }
        Path next = dir.resolve(String.format("wal-%020d.log", lastSeq + 1));
        current = opener.open(next, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
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
            List<Path> segments = segments();
            long seq = segments.isEmpty() ? 0 : firstSeqOf(segments.get(0)) - 1;
            for (int i = 0; i < segments.size(); i++) {
                checkContinues(segments.get(i), seq);
                WalSegmentScan scan = WalSegmentScan.read(segments.get(i), seq + 1, afterSeq, consumer);
                if (scan.damaged()) {
                    // Damaged since open, which left only intact records: whatever it is, it is not a torn tail.
                    throw corruption(scan, i == segments.size() - 1, null);
                }
                seq = scan.lastSequence();
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

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.filter(p -> isSegmentName(p.getFileName().toString())).sorted().toList());
        }
    }

    private static long firstSeqOf(Path segment) {
        String n = segment.getFileName().toString();
        return Long.parseLong(n.substring(4, 24));
    }

    private void forceDirectory() {
        AtomicFiles.forceDirectory(dir);
    }

    /** Called with the write lock held. */
    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IllegalStateException("write-ahead log in " + dir + " is closed");
        }
        IOException failedSync = syncFailure();
        if (failedSync != null) {
            throw new IOException("write-ahead log in " + dir + " refuses appends since an fsync failed (" + failedSync.getMessage()
                    + "): records written since the last good fsync may be lost; reopen the log (restart) to recover from what"
                    + " is on disk", failedSync);
        }
        if (writeFailure != null) {
            try {
                current.truncate(currentSize);
            } catch (IOException e) {
                e.addSuppressed(writeFailure);
                throw new IOException("write-ahead log in " + dir + " still cannot remove the partial record a failed write left"
                        + " at byte " + currentSize + " of its segment: " + e.getMessage(), e);
            }
            writeFailure = null;
        }
    }

    private IOException syncFailure() {
        syncLock.lock();
        try {
            return syncFailure;
        } finally {
            syncLock.unlock();
        }
    }

    /** Forces {@code ch}; a failure is remembered (see the class comment: the log refuses appends after it). */
    private void force(FileChannel ch) throws IOException {
        try {
            ch.force(false);
        } catch (java.nio.channels.ClosedChannelException e) {
            throw e;
        } catch (IOException e) {
            syncLock.lock();
            try {
                if (syncFailure == null) {
                    syncFailure = e;
                }
                synced.signalAll();
            } finally {
                syncLock.unlock();
            }
            throw e;
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
