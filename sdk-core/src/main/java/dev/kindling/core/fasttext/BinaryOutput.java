package dev.kindling.core.fasttext;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;

/** Buffered little-endian writes to a channel, as fastText's files are laid out. */
final class BinaryOutput {

    private final WritableByteChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private long written;

    BinaryOutput(WritableByteChannel channel) {
        this.channel = channel;
    }

    private void room(int bytes) throws IOException {
        if (buffer.remaining() < bytes) {
            flush();
        }
    }

    void writeInt(int v) throws IOException {
        room(4);
        buffer.putInt(v);
    }

    void writeLong(long v) throws IOException {
        room(8);
        buffer.putLong(v);
    }

    void writeDouble(double v) throws IOException {
        room(8);
        buffer.putDouble(v);
    }

    void writeByte(int v) throws IOException {
        room(1);
        buffer.put((byte) v);
    }

    void writeBytes(byte[] b) throws IOException {
        for (int at = 0; at < b.length; ) {
            room(1);
            int n = Math.min(buffer.remaining(), b.length - at);
            buffer.put(b, at, n);
            at += n;
        }
    }

    /** {@code count} floats of {@code segment} from float index {@code offset}, as little-endian float32. */
    void writeFloats(MemorySegment segment, long offset, long count) throws IOException {
        long bytes = count * Float.BYTES;
        for (long at = 0; at < bytes; ) {
            room(4);
            int n = (int) Math.min(buffer.remaining() & ~3, bytes - at);
            // A buffer's segment starts at its position.
            MemorySegment.copy(segment, offset * Float.BYTES + at, MemorySegment.ofBuffer(buffer), 0, n);
            buffer.position(buffer.position() + n);
            at += n;
        }
    }

    void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            written += channel.write(buffer);
        }
        buffer.clear();
    }

    long written() {
        return written + buffer.position();
    }
}
