package dev.kindling.core.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The checksums at the end of a text-classifier file (format version 3 on): per tensor, in header order,
 * the CRC32C of its data; the CRC32C of everything before the tensors (magic, header length, header);
 * the tensor count; and a magic. At the end of the file, so it is written after the data it checks, and
 * found without trusting the header it protects. Little-endian.
 */
record ChecksumFooter(int[] tensorCrcs, int headerCrc) {

    private static final byte[] MAGIC = "KCRC32C\n".getBytes(StandardCharsets.US_ASCII);
    /** Header checksum, tensor count, magic. */
    private static final int FIXED = Integer.BYTES + Integer.BYTES + MAGIC.length;
    private static final int MAX_TENSORS = 64;

    /** Bytes the footer takes at the end of the file. */
    long length() {
        return FIXED + (long) tensorCrcs.length * Integer.BYTES;
    }

    ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate((int) length()).order(ByteOrder.LITTLE_ENDIAN);
        for (int crc : tensorCrcs) {
            b.putInt(crc);
        }
        return b.putInt(headerCrc).putInt(tensorCrcs.length).put(MAGIC).flip();
    }

    /** The footer of a file of {@code size} bytes, or null when it has none (written before version 3, or damaged). */
    static ChecksumFooter read(FileChannel ch, long size, Path file) throws IOException {
        if (size < FIXED) {
            return null;
        }
        ByteBuffer fixed = ByteBuffer.allocate(FIXED).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, fixed, size - FIXED, file);
        byte[] magic = Arrays.copyOfRange(fixed.array(), FIXED - MAGIC.length, FIXED);
        if (!Arrays.equals(magic, MAGIC)) {
            return null;
        }
        int headerCrc = fixed.getInt(0);
        int count = fixed.getInt(Integer.BYTES);
        if (count < 0 || count > MAX_TENSORS || size < FIXED + (long) count * Integer.BYTES) {
            throw new IOException(file + " is corrupt: its checksum footer lists " + count + " tensors (expected 1.." + MAX_TENSORS + ")");
        }
        ByteBuffer crcs = ByteBuffer.allocate(count * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, crcs, size - FIXED - (long) count * Integer.BYTES, file);
        int[] tensorCrcs = new int[count];
        for (int i = 0; i < count; i++) {
            tensorCrcs[i] = crcs.getInt(i * Integer.BYTES);
        }
        return new ChecksumFooter(tensorCrcs, headerCrc);
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long at, Path file) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new IOException(file + " is truncated: it ends inside its checksum footer");
            }
        }
    }
}
