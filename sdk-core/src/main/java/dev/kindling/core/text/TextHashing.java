package dev.kindling.core.text;

import java.nio.charset.StandardCharsets;

/**
 * Hashes for the n-gram buckets (see {@link NgramHashing} for the two schemes): a token's 32-bit FNV-1a
 * hash, and the buckets of word n-grams, whose token hashes are combined by fastText's multiply-add chain
 * (h = h · 116049371 + next, in unsigned 64-bit arithmetic) and taken modulo the bucket count.
 */
public final class TextHashing {

    private static final long NGRAM_MULTIPLIER = 116_049_371L;

    private TextHashing() {
    }

    /** fastText's hash of a token (signed-char FNV-1a over its UTF-8 bytes), as an unsigned value in a long. */
    public static long hash(String token) {
        return Integer.toUnsignedLong(tokenHash(token, NgramHashing.FASTTEXT));
    }

    /** The 32-bit hash of a token's UTF-8 bytes under {@code scheme}. */
    public static int tokenHash(String token, NgramHashing scheme) {
        byte[] b = token.getBytes(StandardCharsets.UTF_8);
        return scheme.tokenHash(b, 0, b.length);
    }

    /**
     * Appends to {@code out} (from position {@code at}) the bucket of every word n-gram of length 2 … maxN
     * of the token hashes, in fastText's order (by start, then by length); returns the new end position.
     * {@code out} must have room for count · (maxN − 1) entries past {@code at}.
     */
    public static int ngramBuckets(int[] hashes, int count, int maxN, int buckets, NgramHashing scheme, int[] out, int at) {
        if (buckets <= 0 || maxN < 2) {
            return at;
        }
        for (int i = 0; i < count; i++) {
            long h = scheme.widen(hashes[i]);
            for (int j = i + 1; j < count && j < i + maxN; j++) {
                h = h * NGRAM_MULTIPLIER + scheme.widen(hashes[j]);
                out[at++] = (int) Long.remainderUnsigned(h, buckets);
            }
        }
        return at;
    }
}
