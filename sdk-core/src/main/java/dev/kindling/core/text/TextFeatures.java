package dev.kindling.core.text;

/**
 * What turns a line into input-table rows besides its whole words: word n-grams of 2 … {@code wordNgrams}
 * tokens and character n-grams of {@code minn} … {@code maxn} characters ({@code maxn} 0: none), both
 * hashed by {@code hashing} into {@code buckets} buckets that share one range of rows, as in fastText.
 */
public record TextFeatures(int wordNgrams, int minn, int maxn, int buckets, NgramHashing hashing) {

    public TextFeatures {
        // Every token costs up to wordNgrams rows per prediction: a larger value in a model file is damage.
        if (wordNgrams < 1 || wordNgrams > TrainingArgs.MAX_WORD_NGRAMS) {
            throw new IllegalArgumentException("wordNgrams must be 1.." + TrainingArgs.MAX_WORD_NGRAMS + ", got " + wordNgrams);
        }
        if (maxn < 0 || minn < 0 || (maxn > 0 && minn > maxn)) {
            throw new IllegalArgumentException("character n-grams need 0 <= minn <= maxn (or maxn 0 for none), got minn=" + minn
                    + " maxn=" + maxn);
        }
        if (buckets < 0) {
            throw new IllegalArgumentException("bucket count must be >= 0, got " + buckets);
        }
        if (hashing == null) {
            throw new IllegalArgumentException("the n-gram hashing must be given");
        }
    }

    /** Word n-grams only, hashed as fastText; no buckets when there are no n-grams (as fastText). */
    public static TextFeatures wordNgrams(int wordNgrams, int buckets) {
        return new TextFeatures(wordNgrams, 0, 0, wordNgrams > 1 ? buckets : 0, NgramHashing.FASTTEXT);
    }

    /** The features of training settings: fastText keeps no buckets when there are neither word nor character n-grams. */
    public static TextFeatures of(TrainingArgs args) {
        boolean hashed = args.wordNgrams() > 1 || args.maxn() > 0;
        return new TextFeatures(args.wordNgrams(), args.maxn() > 0 ? args.minn() : 0, args.maxn(), hashed ? args.bucket() : 0,
                NgramHashing.FASTTEXT);
    }

    public boolean hasCharNgrams() {
        return maxn > 0 && buckets > 0;
    }

    public boolean hasWordNgrams() {
        return wordNgrams > 1 && buckets > 0;
    }
}
