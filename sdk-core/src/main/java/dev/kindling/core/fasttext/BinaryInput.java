package dev.kindling.core.fasttext;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Little-endian reads from a model file with every size checked against what is left, so a damaged or
 * truncated file fails with a message naming what was being read, where, and what was expected, and a
 * declared size can never make us allocate more than the file holds.
 */
final class BinaryInput implements AutoCloseable {

    private static final int BUFFER = 1 << 16;

    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    /** File offset of buffer position 0. */
    private long bufferStart;

    BinaryInput(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file);
        this.size = channel.size();
        buffer.limit(0);
    }

    Path file() {
        return file;
    }

    FileChannel channel() {
        return channel;
    }

    long size() {
        return size;
    }

    /** The file offset of the next byte to read. */
    long position() {
        return bufferStart + buffer.position();
    }

    long remaining() {
        return size - position();
    }

    FastTextFormatException error(String message) {
        return new FastTextFormatException(file + ": " + message);
    }

    /** Fails unless {@code bytes} more bytes are left for {@code what}. */
    void require(long bytes, String what) throws FastTextFormatException {
        if (bytes < 0 || bytes > remaining()) {
            throw error("truncated: " + what + " needs " + bytes + " bytes at offset " + position() + " but only " + remaining()
                    + " are left in the file of " + size + " bytes");
        }
    }

    private void fill(int bytes, String what) throws IOException {
        require(bytes, what);
        if (buffer.remaining() >= bytes) {
            return;
        }
        bufferStart = position();
        buffer.compact();
        channel.position(bufferStart + buffer.position());
        while (buffer.position() < bytes) {
            if (channel.read(buffer) < 0) {
                throw error("ended early while reading " + what);
            }
        }
        buffer.flip();
    }

    int readInt(String what) throws IOException {
        fill(4, what);
        return buffer.getInt();
    }

    long readLong(String what) throws IOException {
        fill(8, what);
        return buffer.getLong();
    }

    double readDouble(String what) throws IOException {
        fill(8, what);
        return buffer.getDouble();
    }

    byte readByte(String what) throws IOException {
        fill(1, what);
        return buffer.get();
    }

    /** A boolean stored as one byte (fastText writes C++ bools): 0 or 1, anything else is an error. */
    boolean readBool(String what) throws IOException {
        byte b = readByte(what);
        if (b != 0 && b != 1) {
            throw error(what + " at offset " + (position() - 1) + " is " + (b & 0xff) + "; expected a boolean (0 or 1)");
        }
        return b == 1;
    }

    /** The bytes up to the next NUL (which is consumed), at most {@code maxBytes} of them. */
    byte[] readCString(String what, int maxBytes) throws IOException {
        byte[] out = null;
        int n = 0;
        long start = position();
        while (true) {
            if (!buffer.hasRemaining()) {
                if (remaining() < 1) {
                    throw error("truncated: " + what + " starting at offset " + start + " has no terminating NUL before the end of the file");
                }
                fill((int) Math.min(BUFFER, remaining()), what);
            }
            // Scan the buffered bytes for the NUL; most entries end within the buffer.
            int from = buffer.position(), end = from;
            while (end < buffer.limit() && buffer.get(end) != 0) {
                end++;
            }
            int len = end - from;
            if (n + len > maxBytes) {
                throw error(what + " starting at offset " + start + " is longer than " + maxBytes + " bytes; the file is corrupt");
            }
            out = out == null ? new byte[len] : java.util.Arrays.copyOf(out, n + len);
            buffer.get(out, n, len);
            n += len;
            if (end < buffer.limit()) {
                buffer.get();   // the NUL
                return out;
            }
        }
    }

    void readFully(byte[] into, String what) throws IOException {
        require(into.length, what);
        int at = 0;
        while (at < into.length) {
            if (!buffer.hasRemaining()) {
                fill(Math.min(BUFFER, into.length - at), what);
            }
            int n = Math.min(buffer.remaining(), into.length - at);
            buffer.get(into, at, n);
            at += n;
        }
    }

    /** Copies the next {@code bytes} bytes into {@code target} from its offset 0 (raw little-endian data). */
    void readInto(MemorySegment target, long bytes, String what) throws IOException {
        require(bytes, what);
        long at = 0;
        int fromBuffer = (int) Math.min(buffer.remaining(), bytes);
        if (fromBuffer > 0) {
            // A buffer's segment starts at its position.
            MemorySegment.copy(MemorySegment.ofBuffer(buffer), 0, target, 0, fromBuffer);
            buffer.position(buffer.position() + fromBuffer);
            at = fromBuffer;
        }
        long filePos = position();
        if (target.isNative()) {
            // Straight from the file into native memory, in chunks a ByteBuffer can address.
            while (at < bytes) {
                ByteBuffer chunk = target.asSlice(at, Math.min(bytes - at, 1L << 30)).asByteBuffer();
                while (chunk.hasRemaining()) {
                    int read = channel.read(chunk, filePos);
                    if (read < 0) {
                        throw error("ended early while reading " + what);
                    }
                    at += read;
                    filePos += read;
                }
            }
            skipTo(filePos);
            return;
        }
        ByteBuffer staging = ByteBuffer.allocateDirect((int) Math.min(1 << 22, Math.max(1, bytes - at)));
        MemorySegment stagingSegment = MemorySegment.ofBuffer(staging);
        while (at < bytes) {
            staging.clear().limit((int) Math.min(staging.capacity(), bytes - at));
            int read = channel.read(staging, filePos);
            if (read < 0) {
                throw error("ended early while reading " + what);
            }
            MemorySegment.copy(stagingSegment, 0, target, at, read);
            at += read;
            filePos += read;
        }
        skipTo(filePos);
    }

    /** Moves to file offset {@code pos} (forward only), dropping buffered bytes. */
    void skipTo(long pos) throws FastTextFormatException {
        if (pos < position() || pos > size) {
            throw error("cannot move to offset " + pos);
        }
        long inBuffer = pos - bufferStart;
        if (inBuffer >= 0 && inBuffer <= buffer.limit()) {
            buffer.position((int) inBuffer);
        } else {
            bufferStart = pos;
            buffer.clear().limit(0);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
