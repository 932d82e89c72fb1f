package dev.kindling.sample.api;

/**
 * Checks a byte stream as strict UTF-8 (RFC 3629) while it is read: no overlong forms (such as {@code C0 AF} for
 * '/'), no encoded surrogates, nothing above U+10FFFF, no cut-off sequence at the end. The JSON parser accepts
 * some of these and would hand the API a different text than the bytes say; a request body must be one text.
 */
final class StrictUtf8 {

    /** A request body that is not valid UTF-8: 400. */
    static final class MalformedUtf8Exception extends IllegalArgumentException {
        MalformedUtf8Exception(String message) {
            super(message);
        }
    }

    private long offset;
    /** Continuation bytes still expected for the current character. */
    private int need;
    /** Bounds of the next continuation byte (narrower right after some lead bytes). */
    private int low = 0x80;
    private int high = 0xbf;
    private long start;

    void update(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            update(b[i] & 0xff);
        }
    }

    void update(int b) {
        if (need > 0) {
            if (b < low || b > high) {
                throw bad("byte " + hex(b) + " at offset " + offset + " does not continue the character that starts at offset " + start);
            }
            need--;
            low = 0x80;
            high = 0xbf;
        } else if (b >= 0x80) {
            start = offset;
            if (b >= 0xc2 && b <= 0xdf) {
                need = 1;
            } else if (b >= 0xe0 && b <= 0xef) {
                need = 2;
                low = b == 0xe0 ? 0xa0 : 0x80;    // E0 80..9F would be overlong
                high = b == 0xed ? 0x9f : 0xbf;   // ED A0..BF would be a surrogate
            } else if (b >= 0xf0 && b <= 0xf4) {
                need = 3;
                low = b == 0xf0 ? 0x90 : 0x80;    // F0 80..8F would be overlong
                high = b == 0xf4 ? 0x8f : 0xbf;   // F4 90.. would be above U+10FFFF
            } else {
                throw bad("byte " + hex(b) + " at offset " + offset + " cannot start a character"
                        + (b == 0xc0 || b == 0xc1 ? " (an overlong encoding)" : ""));
            }
        }
        offset++;
    }

    /** At the end of the body: a character may not be cut off. */
    void end() {
        if (need > 0) {
            throw bad("it ends inside the character that starts at offset " + start);
        }
    }

    private static MalformedUtf8Exception bad(String what) {
        return new MalformedUtf8Exception("the request body is not valid UTF-8: " + what);
    }

    private static String hex(int b) {
        return String.format("0x%02X", b);
    }
}
