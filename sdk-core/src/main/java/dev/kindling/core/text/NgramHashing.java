package dev.kindling.core.text;

/**
 * How tokens are hashed into n-gram buckets. Both are 32-bit FNV-1a over a token's UTF-8 bytes, chained
 * for word n-grams as {@code h = h · 116049371 + next} in 64 bits and taken modulo the bucket count; they
 * differ in how a byte and a token hash are widened.
 */
public enum NgramHashing {

    /**
     * fastText's: each byte enters as a sign-extended char ({@code uint32_t(int8_t(c))}, so bytes ≥ 0x80 of
     * multi-byte UTF-8 flip the upper 24 bits too), and a token hash enters the word n-gram chain as a
     * sign-extended {@code int32} (hashes ≥ 2^31 become 0xFFFFFFFF…). Models trained by fastText and by
     * Kindling since model format 3 use it, so their buckets are interchangeable.
     */
    FASTTEXT,

    /**
     * Kindling's before model format 3: bytes and token hashes enter unsigned. Equal to {@link #FASTTEXT} for
     * ASCII tokens whose hash is below 2^31; kept so older Kindling models keep their buckets.
     */
    UNSIGNED_BYTES;

    /** The 32-bit token hash of {@code bytes[from, to)}, as an int holding the unsigned value's bits. */
    public int tokenHash(byte[] bytes, int from, int to) {
        int h = 0x811c9dc5;
        boolean signed = this == FASTTEXT;
        for (int i = from; i < to; i++) {
            h ^= signed ? bytes[i] : bytes[i] & 0xff;
            h *= 0x01000193;
        }
        return h;
    }

    /** How a token hash starts or extends a 64-bit word n-gram chain. */
    long widen(int tokenHash) {
        return this == FASTTEXT ? tokenHash : tokenHash & 0xffffffffL;
    }
}
