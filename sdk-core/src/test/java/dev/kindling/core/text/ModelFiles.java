package dev.kindling.core.text;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** Byte-level views of a text-classifier file for damage tests: where its parts lie, and older forms of it. */
final class ModelFiles {

    static final int MAGIC_LENGTH = "KINDLING-TEXT-CLASSIFIER\n".length();
    /** Header checksum, tensor count, footer magic. */
    static final int FOOTER_FIXED = 16;

    private ModelFiles() {
    }

    static long headerLength(byte[] file) {
        return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(MAGIC_LENGTH);
    }

    /** Where the first tensor (the input table) starts. */
    static int dataStart(byte[] file) {
        return (int) (MAGIC_LENGTH + 8 + headerLength(file));
    }

    /** Where the checksum footer starts (a version-3 file). */
    static int footerStart(byte[] file) {
        int tensors = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(file.length - 12);
        return file.length - FOOTER_FIXED - 4 * tensors;
    }

    /**
     * Records a new header checksum in the footer: the file then reads as written that way (a hostile or buggy
     * writer, not damage), so that what the header says is checked by the parser, not the checksum.
     */
    static byte[] resealHeader(byte[] file) {
        CRC32C crc = new CRC32C();
        crc.update(file, 0, dataStart(file));
        byte[] out = file.clone();
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(out.length - FOOTER_FIXED, (int) crc.getValue());
        return out;
    }

    /** The same model as format version 2 wrote it: no footer, version 2 in the header (which has the same layout). */
    /** The position of {@code text} (UTF-8) in the file's header. */
    static int inHeader(byte[] file, String text) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = MAGIC_LENGTH + 8; i + needle.length <= dataStart(file); i++) {
            for (int j = 0; j < needle.length; j++) {
                if (file[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("'" + text + "' is not in the header");
    }
}
