package dev.kindling.core.text;

/**
 * Untrusted strings as they appear in error messages and logs: quoted, with control, formatting,
 * whitespace other than a plain space and unpaired surrogate characters written as {@code \}{@code uXXXX}
 * (so a NUL or a line separator can neither hide in a message nor break a log line), and cut after
 * {@value #MAX_SHOWN} characters.
 */
public final class Printable {

    /** Characters shown before the rest is left out. */
    static final int MAX_SHOWN = 80;

    private Printable() {
    }

    /** {@code s} in single quotes with invisible characters escaped, or {@code null} for null. */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        int shown = Math.min(s.length(), MAX_SHOWN);
        StringBuilder out = new StringBuilder(shown + 16).append('\'');
        appendEscaped(s, shown, out);
        out.append('\'');
        if (s.length() > shown) {
            out.append(" (").append(s.length() - shown).append(" more characters)");
        }
        return out.toString();
    }

    /** All of {@code s} with invisible characters escaped (for a message that must stay on one line, whatever it quotes). */
    public static String escape(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        appendEscaped(s, s.length(), out);
        return out.toString();
    }

    private static void appendEscaped(String s, int end, StringBuilder out) {
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c == ' ' || isVisible(s, i)) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04X", (int) c));
            }
        }
    }

    /** The character at {@code i} prints as itself: not a control, formatting or whitespace character, nor half of a broken pair. */
    private static boolean isVisible(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
        }
        return !CharacterClasses.isInvisible(c);
    }
}
