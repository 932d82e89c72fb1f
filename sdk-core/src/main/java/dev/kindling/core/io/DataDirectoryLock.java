package dev.kindling.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An exclusive OS lock ({@link FileChannel#tryLock()}) on a data directory's {@value #FILE}, held until
 * {@link #close()} or the process dies (the OS then releases it, so a crash leaves no stale lock). Two
 * processes appending to one write-ahead log would interleave their records and lose acknowledged ones;
 * with the lock the second fails at start, naming the directory and the holder's pid, which the holder
 * writes into the file.
 *
 * <p>Within one JVM a second lock on the same directory is refused the same way, before any channel is
 * opened: on POSIX systems closing any channel to a locked file drops the process's lock on it.
 */
public final class DataDirectoryLock implements AutoCloseable {

    /** The lock file's name inside the data directory. */
    public static final String FILE = "kindling.lock";
    private static final Pattern PID = Pattern.compile("pid=(\\d{1,18})");
    /** Directories this JVM holds (real paths). */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path directory;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean released;

    private DataDirectoryLock(Path directory, FileChannel channel, FileLock lock) {
        this.directory = directory;
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code dir} (created if missing) for this process, or fails with {@link DataDirectoryInUseException}. */
    public static DataDirectoryLock acquire(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path real = dir.toRealPath();
        long self = ProcessHandle.current().pid();
        if (!HELD.add(real)) {
            throw inUseHere(real, self);
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(real.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                // Locked through another channel of this JVM, not by this class: closing ours could release that lock.
                ch = null;
                throw inUseHere(real, self);
            }
            if (lock == null) {
                long holder = holderPid(ch);
                throw new DataDirectoryInUseException("data directory " + real + " is in use by another process ("
                        + (holder < 0 ? "pid unknown: it has not written " + FILE + " yet" : "pid " + holder) + ", which holds "
                        + real.resolve(FILE) + "). Two processes appending to one write-ahead log lose acknowledged examples;"
                        + " stop that process or give this one its own data directory.", real, holder);
            }
            ch.truncate(0);
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(("pid=" + self + "\nsince=" + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
            DataDirectoryLock held = new DataDirectoryLock(real, ch, lock);
            ch = null;
            return held;
        } catch (IOException | RuntimeException e) {
            HELD.remove(real);
            if (ch != null) {
                ch.close();
            }
            throw e;
        }
    }

    private static DataDirectoryInUseException inUseHere(Path dir, long self) {
        return new DataDirectoryInUseException("data directory " + dir + " is already in use by this process (pid " + self
                + "): another engine on it is still open; close it first, or give this one its own data directory.", dir, self);
    }

    private static long holderPid(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(256);
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
            // reads what the holder wrote (at most a few dozen bytes)
        }
        Matcher m = PID.matcher(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    public Path directory() {
        return directory;
    }

    /** Releases the lock (the file stays: deleting it could let two processes lock two different files). */
    @Override
    public synchronized void close() throws IOException {
        if (released) {
            return;
        }
        released = true;
        try {
            lock.release();
            channel.close();
        } finally {
            HELD.remove(directory);
        }
    }
}
