package dev.kindling.core.text;

/**
 * The kinds of characters the text rules talk about, by code point. Whitespace is Java's whitespace
 * together with every Unicode space separator (so a no-break space or U+2028 counts, which
 * {@link Character#isWhitespace} alone misses).
 */
final class CharacterClasses {

    private CharacterClasses() {
    }

    /** C0 and C1 control characters and DEL (NUL, tab, line feed, U+0085 …). */
    static boolean isControl(int cp) {
        return Character.isISOControl(cp);
    }

    /** Any whitespace, including no-break spaces and the line and paragraph separators U+2028 and U+2029. */
    static boolean isWhitespace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
    }

    /** Invisible formatting characters: zero-width spaces and joiners, bidirectional controls, the byte order mark … */
    static boolean isFormat(int cp) {
        return Character.getType(cp) == Character.FORMAT;
    }

    /** Shows nothing on screen: control, whitespace or formatting. */
    static boolean isInvisible(int cp) {
        return isControl(cp) || isWhitespace(cp) || isFormat(cp);
    }

    /** Index of the first UTF-16 surrogate in {@code s} that is not half of a pair, or -1. */
    static int unpairedSurrogate(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** {@code U+XXXX} of the character at {@code index} of {@code s}. */
    static String codeOf(String s, int index) {
        return String.format("U+%04X", s.codePointAt(index));
    }
}
