package dev.kindling.core.text;

/**
 * Settings of supervised training, named and defaulted as fastText's flags ({@code -lr 0.1 -dim 100
 * -epoch 5 -wordNgrams 1 -minCount 1 -minCountLabel 0 -bucket 2000000 -loss softmax -thread 12
 * -lrUpdateRate 100 -verbose 2 -seed 0 -label __label__ -minn 0 -maxn 0 -neg 5}), plus Kindling's
 * {@code -tree semantic}.
 */
public record TrainingArgs(float lr, int dim, int epoch, int wordNgrams, int minCount, int minCountLabel, int bucket,
                           Loss loss, int thread, int lrUpdateRate, int verbose, long seed, String label, Tree tree,
                           int minn, int maxn, int neg) {

    /**
     * The code tree of {@code -loss hs}: {@code semantic} (default) puts labels whose texts share words next to
     * each other, splitting the labels by frequency-halving cuts so frequent labels stay near the root; {@code
     * huffman} is fastText's tree, built from label frequencies alone.
     */
    public enum Tree {
        SEMANTIC, HUFFMAN;

        public static Tree parse(String s) {
            return switch (s) {
                case "semantic" -> SEMANTIC;
                case "huffman" -> HUFFMAN;
                default -> throw new IllegalArgumentException("unsupported -tree '" + s + "': use semantic or huffman");
            };
        }

        public String flag() {
            return name().toLowerCase();
        }
    }

    /**
     * The output layer: {@code hs}, fastText's binary hierarchical softmax over a Huffman tree (about log₂ N
     * node scores per example); {@code hsm}, Kindling's two-level hierarchical softmax (fbcunn's HSM, ~2√N
     * rows per example); {@code softmax}, an exact full softmax; {@code ns} and {@code ova}, one logistic
     * regression per label (fastText's negative sampling, trained on the target and {@code -neg} sampled
     * labels, and one-vs-all, trained on every label, for multi-label data).
     */
    public enum Loss {
        HS, HSM, SOFTMAX, NS, OVA;

        public static Loss parse(String s) {
            return switch (s) {
                case "hs" -> HS;
                case "hsm" -> HSM;
                case "softmax" -> SOFTMAX;
                case "ns" -> NS;
                case "ova", "one-vs-all" -> OVA;
                default -> throw new IllegalArgumentException("unsupported -loss '" + s + "': use hs (binary Huffman-tree hierarchical"
                        + " softmax, as fastText), hsm (two-level hierarchical softmax), softmax (full softmax), ns (negative sampling)"
                        + " or ova (one-vs-all, multi-label)");
            };
        }

        /** Whether labels are scored by independent sigmoids (probabilities need not sum to 1). */
        public boolean independentLabels() {
            return this == NS || this == OVA;
        }

        public String flag() {
            return name().toLowerCase();
        }
    }

    /**
     * Longest word n-gram: every token of a text costs up to this many input rows, so a larger value (fastText uses
     * 1 to 5) only makes each prediction slower; a model file claiming more is damaged.
     */
    public static final int MAX_WORD_NGRAMS = 32;

    public TrainingArgs {
        require(Float.isFinite(lr) && lr > 0, "-lr must be a positive number, got " + lr);
        require(dim > 0, "-dim must be positive, got " + dim);
        require(epoch > 0, "-epoch must be positive, got " + epoch);
        require(wordNgrams >= 1 && wordNgrams <= MAX_WORD_NGRAMS, "-wordNgrams must be 1.." + MAX_WORD_NGRAMS + ", got " + wordNgrams);
        require(minCount >= 1, "-minCount must be >= 1, got " + minCount);
        require(minCountLabel >= 0, "-minCountLabel must be >= 0, got " + minCountLabel);
        require(bucket >= 0, "-bucket must be >= 0, got " + bucket);
        require(thread > 0, "-thread must be positive, got " + thread);
        require(lrUpdateRate > 0, "-lrUpdateRate must be positive, got " + lrUpdateRate);
        require(label != null && !label.isEmpty(), "-label must not be empty");
        require((long) bucket * dim < (1L << 40), "-bucket × -dim is too large: " + bucket + " × " + dim);
        if (loss == null) {
            throw new IllegalArgumentException("-loss must be given");
        }
        if (tree == null) {
            throw new IllegalArgumentException("-tree must be given");
        }
        require(maxn >= 0 && minn >= 0 && (maxn == 0 || minn <= maxn),
                "character n-grams need 0 <= -minn <= -maxn (or -maxn 0 for none), got -minn " + minn + " -maxn " + maxn);
        require(neg >= 1, "-neg must be >= 1, got " + neg);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static TrainingArgs defaults() {
        return new TrainingArgs(0.1f, 100, 5, 1, 1, 0, 2_000_000, Loss.SOFTMAX, 12, 100, 2, 0, "__label__", Tree.SEMANTIC, 0, 0, 5);
    }

    public TrainingArgs withLr(float v) {
        return new TrainingArgs(v, dim, epoch, wordNgrams, minCount, minCountLabel, bucket, loss, thread, lrUpdateRate, verbose, seed, label, tree, minn, maxn, neg);
    }

    public TrainingArgs withDim(int v) {
        return new TrainingArgs(lr, v, epoch, wordNgrams, minCount, minCountLabel, bucket, loss, thread, lrUpdateRate, verbose, seed, label, tree, minn, maxn, neg);
    }

    public TrainingArgs withEpoch(int v) {
        return new TrainingArgs(lr, dim, v, wordNgrams, minCount, minCountLabel, bucket, loss, thread, lrUpdateRate, verbose, seed, label, tree, minn, maxn, neg);
    }

    public TrainingArgs withWordNgrams(int v) {
        return new TrainingArgs(lr, dim, epoch, v, minCount, minCountLabel, bucket, loss, thread, lrUpdateRate, verbose, seed, label, tree, minn, maxn, neg);
    }

    public TrainingArgs withMinCount(int v) {
        return new TrainingArgs(lr, dim, epoch, wordNgrams, v, minCountLabel, bucket, loss, thread, lrUpdateRate, verbose, seed, label, tree, minn, maxn, neg);
    }

    public TrainingArgs withMinCountLabel(int v) {
        return new TrainingArgs(lr, dim, epoch, wordNgrams, minCount, v, bucket, loss, thread, lrUpdateRate, verbose, seed, label, tree, minn, maxn, neg);
    }

    public TrainingArgs withBucket(int v) {
        return new TrainingArgs(lr, dim, epoch, wordNgrams, minCount, minCountLabel, v, loss, thread, lrUpdateRate, verbose, seed, label, tree, minn, maxn, neg);
    }

    public TrainingArgs withLoss(Loss v) {
        return new TrainingArgs(lr, dim, epoch, wordNgrams, minCount, minCountLabel, bucket, v, thread, lrUpdateRate, verbose, seed, label, tree, minn, maxn, neg);
    }

    public TrainingArgs withThread(int v) {
        return new TrainingArgs(lr, dim, epoch, wordNgrams, minCount, minCountLabel, bucket, loss, v, lrUpdateRate, verbose, seed, label, tree, minn, maxn, neg);
    }

    public TrainingArgs withLrUpdateRate(int v) {
        return new TrainingArgs(lr, dim, epoch, wordNgrams, minCount, minCountLabel, bucket, loss, thread, v, verbose, seed, label, tree, minn, maxn, neg);
    }

    public TrainingArgs withVerbose(int v) {
        return new TrainingArgs(lr, dim, epoch, wordNgrams, minCount, minCountLabel, bucket, loss, thread, lrUpdateRate, v, seed, label, tree, minn, maxn, neg);
    }

    public TrainingArgs withSeed(long v) {
        return new TrainingArgs(lr, dim, epoch, wordNgrams, minCount, minCountLabel, bucket, loss, thread, lrUpdateRate, verbose, v, label, tree, minn, maxn, neg);
    }

    public TrainingArgs withLabel(String v) {
        return new TrainingArgs(lr, dim, epoch, wordNgrams, minCount, minCountLabel, bucket, loss, thread, lrUpdateRate, verbose, seed, v, tree, minn, maxn, neg);
    }

    public TrainingArgs withTree(Tree v) {
        return new TrainingArgs(lr, dim, epoch, wordNgrams, minCount, minCountLabel, bucket, loss, thread, lrUpdateRate, verbose, seed, label, v, minn, maxn, neg);
    }

    public TrainingArgs withMinn(int v) {
        return new TrainingArgs(lr, dim, epoch, wordNgrams, minCount, minCountLabel, bucket, loss, thread, lrUpdateRate, verbose, seed, label, tree, v, maxn, neg);
    }

    public TrainingArgs withMaxn(int v) {
        return new TrainingArgs(lr, dim, epoch, wordNgrams, minCount, minCountLabel, bucket, loss, thread, lrUpdateRate, verbose, seed, label, tree, minn, v, neg);
    }

    public TrainingArgs withNeg(int v) {
        return new TrainingArgs(lr, dim, epoch, wordNgrams, minCount, minCountLabel, bucket, loss, thread, lrUpdateRate, verbose, seed, label, tree, minn, maxn, v);
    }
}
