package dev.kindling.core.text;

import java.util.ArrayList;
import java.util.List;

/**
 * fastText's tokenization: tokens are separated by space, tab, vertical tab, form feed, carriage return
 * or NUL, and every line ends with the end-of-sentence token {@value #EOS} (so even an empty text has
 * one feature).
 */
public final class Tokenizer {

    public static final String EOS = "</s>";

    private Tokenizer() {
    }

    public static boolean isSeparator(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r' || c == '\0';
    }

    /** The tokens of one line followed by {@value #EOS}. */
    public static List<String> tokens(String line) {
        List<String> out = new ArrayList<>();
        int n = line.length(), i = 0;
        while (i < n) {
            while (i < n && isSeparator(line.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isSeparator(line.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(line.substring(start, i));
            }
        }
        out.add(EOS);
        return out;
    }
}
