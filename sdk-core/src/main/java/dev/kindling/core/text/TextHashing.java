package dev.kindling.core.text;

import java.nio.charset.StandardCharsets;

/**
 * Hashes for the word n-gram buckets: 32-bit FNV-1a over a token's UTF-8 bytes, and n-grams combined by
 * the multiply-add chain fastText uses (h = h · 116049371 + next), taken modulo the bucket count.
 */
public final class TextHashing {

    private static final long NGRAM_MULTIPLIER = 116_049_371L;

    private TextHashing() {
    }

    /** 32-bit FNV-1a of the UTF-8 bytes, as an unsigned value in a long. */
    public static long hash(String token) {
        long h = 2166136261L;
        for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h = (h * 16777619L) & 0xffffffffL;
        }
        return h;
    }

    /**
     * Appends to {@code out} (from position {@code at}) the bucket of every n-gram of length 2 … maxN of
     * the token hashes; returns the new end position. {@code out} must have room for
     * hashes.length · (maxN − 1) entries past {@code at}.
     */
    public static int ngramBuckets(long[] hashes, int count, int maxN, int buckets, int[] out, int at) {
        if (buckets <= 0 || maxN < 2) {
            return at;
        }
        for (int i = 0; i < count; i++) {
            long h = hashes[i];
            for (int j = i + 1; j < count && j < i + maxN; j++) {
                h = h * NGRAM_MULTIPLIER + hashes[j];
                out[at++] = (int) Long.remainderUnsigned(h, buckets);
            }
        }
        return at;
    }
}
