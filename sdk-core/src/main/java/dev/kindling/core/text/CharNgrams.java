package dev.kindling.core.text;

import java.util.function.IntConsumer;

/**
 * fastText's character n-grams ("subwords") of a word: every run of {@code minn} … {@code maxn} UTF-8
 * characters of {@code <word>}, except the lone boundary markers {@code <} and {@code >}; each hashed
 * with the token hash and taken modulo the bucket count (unsigned 32-bit, not widened). Works on bytes: a
 * character is a lead byte with its continuation bytes (10xxxxxx), as fastText counts them.
 */
final class CharNgrams {

    private CharNgrams() {
    }

    /** Calls {@code bucket} with the bucket of each n-gram of {@code <word>}, in fastText's order. */
    static void forEach(byte[] word, int minn, int maxn, int buckets, NgramHashing scheme, IntConsumer bucket) {
        if (maxn <= 0 || buckets <= 0) {
            return;
        }
        byte[] w = new byte[word.length + 2];
        w[0] = '<';
        System.arraycopy(word, 0, w, 1, word.length);
        w[w.length - 1] = '>';
        for (int i = 0; i < w.length; i++) {
            if (isContinuation(w[i])) {
                continue;
            }
            int j = i;
            for (int n = 1; j < w.length && n <= maxn; n++) {
                j++;
                while (j < w.length && isContinuation(w[j])) {
                    j++;
                }
                boolean loneMarker = n == 1 && (i == 0 || j == w.length);
                if (n >= minn && !loneMarker) {
                    bucket.accept(Integer.remainderUnsigned(scheme.tokenHash(w, i, j), buckets));
                }
            }
        }
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }
}
