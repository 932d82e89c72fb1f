package dev.kindling.core.io;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C over memory segments of any kind (heap arrays, native, memory-mapped) and its 8-digit hex form,
 * as model files record it. {@link CRC32C} uses the CPU's CRC instructions, so checking costs about as
 * much as reading the bytes once.
 */
public final class Crc32c {

    private static final int CHUNK = 1 << 20;

    private Crc32c() {
    }

    /** Adds {@code segment}'s bytes to {@code crc}. */
    public static void update(CRC32C crc, MemorySegment segment) {
        if (segment.isNative() || segment.heapBase().orElse(null) instanceof byte[]) {
            for (long at = 0; at < segment.byteSize(); at += Integer.MAX_VALUE) {
                crc.update(segment.asSlice(at, Math.min(Integer.MAX_VALUE, segment.byteSize() - at)).asByteBuffer());
            }
            return;
        }
        // A heap segment over a float[] (or other non-byte array) has no ByteBuffer view: stage it through one.
        ByteBuffer staging = ByteBuffer.allocateDirect((int) Math.min(CHUNK, Math.max(1, segment.byteSize())));
        MemorySegment stagingSegment = MemorySegment.ofBuffer(staging);
        for (long at = 0; at < segment.byteSize(); at += CHUNK) {
            int n = (int) Math.min(CHUNK, segment.byteSize() - at);
            MemorySegment.copy(segment, at, stagingSegment, 0, n);
            crc.update(staging.clear().limit(n));
        }
    }

    /** The CRC32C of {@code segment}'s bytes. */
    public static int of(MemorySegment segment) {
        CRC32C crc = new CRC32C();
        update(crc, segment);
        return (int) crc.getValue();
    }

    /** The CRC32C of {@code bytes}. */
    public static int of(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    public static String hex(int crc) {
        return String.format("%08x", crc);
    }
}
