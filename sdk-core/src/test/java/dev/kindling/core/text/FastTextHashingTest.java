package dev.kindling.core.text;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kindling hashes tokens, word n-grams and character n-grams exactly as fastText 0.9.2. The expected values
 * come from an independent C++ program, {@code benchmarks/scripts/fasttext-hash-reference.cc} (C++ char and
 * integer conversions, not Kindling's code): {@code /tmp/hashref a café 日本 🙂 Straße naïve hello world
 * "</s>" zz}. Whole-model agreement with fastText is checked by the fastText fixtures' predictions.
 */
class FastTextHashingTest {

    private static final String[] TOKENS = {"a", "café", "日本", "🙂", "Straße", "naïve", "hello", "world", "</s>", "zz"};
    private static final long[] HASHES = {3826002220L, 1970454601L, 4164387409L, 570329163L, 2455373880L, 3440832043L, 1335831723L,
            933488787L, 3617362777L, 1466432373L};
    /** Buckets (mod 2,000,000) of each adjacent pair of TOKENS. */
    private static final int[] BIGRAMS = {1239021, 1526084, 279702, 1513057, 875027, 1807476, 1485020, 1298458, 1276440};

    @Test
    void tokenHashesAreSignedCharFnv1aIncludingNonAsciiAndHashesAboveTwoToThe31() {
        for (int i = 0; i < TOKENS.length; i++) {
            assertEquals(HASHES[i], TextHashing.hash(TOKENS[i]), TOKENS[i]);
        }
        assertTrue(HASHES[0] >= 1L << 31 && HASHES[2] >= 1L << 31, "the cases include hashes >= 2^31");
    }

    @Test
    void wordBigramBucketsWidenTheInt32HashAsFastText() {
        int[] hashes = new int[TOKENS.length];
        for (int i = 0; i < TOKENS.length; i++) {
            hashes[i] = TextHashing.tokenHash(TOKENS[i], NgramHashing.FASTTEXT);
        }
        int[] out = new int[TOKENS.length];
        int end = TextHashing.ngramBuckets(hashes, hashes.length, 2, 2_000_000, NgramHashing.FASTTEXT, out, 0);
        assertEquals(BIGRAMS.length, end);
        assertArrayEquals(BIGRAMS, java.util.Arrays.copyOf(out, end));
    }

    @Test
    void kindlingsEarlierHashingDiffersExactlyWhereFastTextSignExtends() {
        assertNotEquals(TextHashing.tokenHash("café", NgramHashing.FASTTEXT), TextHashing.tokenHash("café", NgramHashing.UNSIGNED_BYTES));
        assertEquals(TextHashing.tokenHash("hello", NgramHashing.FASTTEXT), TextHashing.tokenHash("hello", NgramHashing.UNSIGNED_BYTES));
        // "hello world": both ASCII, "hello" < 2^31: the chain agrees; "a" is >= 2^31: it does not.
        int[] out = new int[2];
        int[] hw = {TextHashing.tokenHash("hello", NgramHashing.FASTTEXT), TextHashing.tokenHash("world", NgramHashing.FASTTEXT)};
        TextHashing.ngramBuckets(hw, 2, 2, 2_000_000, NgramHashing.FASTTEXT, out, 0);
        TextHashing.ngramBuckets(hw, 2, 2, 2_000_000, NgramHashing.UNSIGNED_BYTES, out, 1);
        assertEquals(out[0], out[1]);
        int[] az = {TextHashing.tokenHash("a", NgramHashing.FASTTEXT), TextHashing.tokenHash("zz", NgramHashing.FASTTEXT)};
        TextHashing.ngramBuckets(az, 2, 2, 2_000_000, NgramHashing.FASTTEXT, out, 0);
        TextHashing.ngramBuckets(az, 2, 2, 2_000_000, NgramHashing.UNSIGNED_BYTES, out, 1);
        assertNotEquals(out[0], out[1]);
    }

    @Test
    void characterNgramsOfAMultiByteWordAreFastTexts() {
        // "<café>" with minn 2, maxn 3: the C++ reference's hashes of each n-gram, in fastText's order; the
        // lone "<" and ">" are left out, "é" counts as one character.
        String[] grams = {"<c", "<ca", "ca", "caf", "af", "afé", "fé", "fé>", "é>"};
        long[] hashes = {1727453512L, 1066916747L, 1479119945L, 4168369661L, 1227161470L, 1196960362L, 2469193989L, 3937609697L,
                4247996781L};
        int buckets = 1_000_003;
        List<Integer> got = new ArrayList<>();
        CharNgrams.forEach("café".getBytes(StandardCharsets.UTF_8), 2, 3, buckets, NgramHashing.FASTTEXT, got::add);
        assertEquals(grams.length, got.size());
        for (int i = 0; i < grams.length; i++) {
            assertEquals(hashes[i] % buckets, (long) got.get(i), grams[i]);
        }
    }

    @Test
    void aDictionaryMapsALineToFastTextsRowsWithCharacterNgramsAndPrunedBuckets() {
        TextFeatures f = new TextFeatures(2, 2, 3, 1_000_003, NgramHashing.FASTTEXT);
        // fastText's layout: 2 words first, then the kept buckets; only two buckets survived pruning.
        long cafBucket = 4168369661L % 1_000_003, bigram = bigram("café", "zz", 1_000_003);
        BucketIndex kept = BucketIndex.pruned(1_000_003, new int[]{(int) cafBucket, (int) bigram}, new int[]{0, 1});
        Dictionary d = new Dictionary("__label__", f, kept, 2, new String[]{"</s>", "café"}, new long[]{3, 2}, new boolean[]{true, true},
                new String[]{"__label__x"}, new long[]{1});
        int[] rows = d.inputRows(List.of("café", "zz", "__label__x", "</s>"), false);
        // café: its word row 1 and the kept n-gram "caf" (row 2 + 0); zz: unknown, none of its n-grams kept;
        // </s>: word row 0 and no n-grams; bigrams: café-zz kept (row 2 + 1), zz-</s> pruned.
        assertArrayEquals(new int[]{1, 2, 0, 3}, rows);
        assertEquals(2 + 2, d.inputRows());
        assertEquals(0, d.wordOfRow(0));
        assertEquals(-1, d.wordOfRow(2));
        assertEquals(2 + 2, d.wordRow(2), "the next word added gets the row after the bucket rows");
    }

    private static long bigram(String a, String b, int buckets) {
        int[] out = new int[1];
        TextHashing.ngramBuckets(new int[]{TextHashing.tokenHash(a, NgramHashing.FASTTEXT), TextHashing.tokenHash(b, NgramHashing.FASTTEXT)},
                2, 2, buckets, NgramHashing.FASTTEXT, out, 0);
        return out[0];
    }
}
