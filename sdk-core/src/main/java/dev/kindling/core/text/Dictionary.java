package dev.kindling.core.text;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/**
 * Words and labels of a text classifier, and the mapping of a tokenized line to input-table rows: one row
 * per known word, and hashed rows for its word and character n-grams ({@link TextFeatures}), exactly as
 * fastText maps a line. The table holds {@code leadingWords} word rows first (a model read from fastText,
 * which stores words before buckets; 0 for a model trained by Kindling), then the bucket rows (those a
 * {@link BucketIndex} keeps), then the remaining words, so new words are appended without moving anything:
 * word w is row w when w &lt; leadingWords, else row (bucket rows + w).
 *
 * <p>Words added to a live model ({@link #addWords}) start inactive: inference treats them as unknown
 * words (their character n-grams still count), so existing predictions do not change, until training first
 * updates their rows ({@link #activate}). Lookups are safe while words or labels are being added.
 */
public final class Dictionary {

    private final String labelPrefix;
    private final TextFeatures features;
    private final BucketIndex bucketIndex;
    private final int leadingWords;
    private final Map<String, Integer> wordIds;
    private final Map<String, Integer> labelIds;
    private volatile String[] words;
    private volatile long[] wordCounts;
    private volatile boolean[] active;
    private volatile String[] labels;
    private volatile long[] labelCounts;

    public Dictionary(String labelPrefix, TextFeatures features, BucketIndex bucketIndex, int leadingWords, String[] words,
                      long[] wordCounts, boolean[] active, String[] labels, long[] labelCounts) {
        if (labelPrefix == null || labelPrefix.isEmpty()) {
            throw new IllegalArgumentException("the label prefix must not be empty");
        }
        if (bucketIndex.buckets() != features.buckets()) {
            throw new IllegalArgumentException("the bucket index covers " + bucketIndex.buckets() + " buckets but the features hash into "
                    + features.buckets());
        }
        if (leadingWords < 0 || leadingWords > words.length) {
            throw new IllegalArgumentException("leading words " + leadingWords + " must be in [0, " + words.length + "]");
        }
        if (wordCounts.length != words.length || active.length != words.length || labelCounts.length != labels.length) {
            throw new IllegalArgumentException("dictionary arrays differ in length");
        }
        // Sized up front: a dictionary of a million entries would otherwise rehash twenty times while it loads.
        this.wordIds = new ConcurrentHashMap<>(Math.max(16, words.length + words.length / 2));
        this.labelIds = new ConcurrentHashMap<>(Math.max(16, labels.length + labels.length / 2));
        this.labelPrefix = labelPrefix;
        this.features = features;
        this.bucketIndex = bucketIndex;
        this.leadingWords = leadingWords;
        this.words = words.clone();
        this.wordCounts = wordCounts.clone();
        this.active = active.clone();
        this.labels = labels.clone();
        this.labelCounts = labelCounts.clone();
        for (int i = 0; i < words.length; i++) {
            if (wordIds.put(words[i], i) != null) {
                throw new IllegalArgumentException("duplicate word '" + words[i] + "' in dictionary");
            }
        }
        for (int i = 0; i < labels.length; i++) {
            if (labelIds.put(labels[i], i) != null) {
                throw new IllegalArgumentException("duplicate label '" + labels[i] + "' in dictionary");
            }
        }
    }

    /** Counts words and labels of tokenized lines and keeps those seen at least minCount / minCountLabel times. */
    public static Dictionary build(Iterable<List<String>> lines, String labelPrefix, int minCount, int minCountLabel, int buckets,
                                   int wordNgrams) {
        return build(lines, labelPrefix, minCount, minCountLabel, TextFeatures.wordNgrams(wordNgrams, buckets));
    }

    /** {@link #build(Iterable, String, int, int, int, int)} with word and character n-grams as {@code features} say. */
    public static Dictionary build(Iterable<List<String>> lines, String labelPrefix, int minCount, int minCountLabel,
                                   TextFeatures features) {
        Map<String, long[]> wc = new HashMap<>();
        Map<String, long[]> lc = new HashMap<>();
        for (List<String> tokens : lines) {
            for (String t : tokens) {
                (t.startsWith(labelPrefix) ? lc : wc).computeIfAbsent(t, x -> new long[1])[0]++;
            }
        }
        String[] w = keep(wc, minCount);
        String[] l = keep(lc, minCountLabel);
        long[] wCounts = Arrays.stream(w).mapToLong(s -> wc.get(s)[0]).toArray();
        long[] lCounts = Arrays.stream(l).mapToLong(s -> lc.get(s)[0]).toArray();
        boolean[] act = new boolean[w.length];
        Arrays.fill(act, true);
        return new Dictionary(labelPrefix, features, BucketIndex.all(features.buckets()), 0, w, wCounts, act, l, lCounts);
    }

    /** Entries with count >= min, most frequent first (ties in string order, so builds are reproducible). */
    private static String[] keep(Map<String, long[]> counts, int min) {
        return counts.entrySet().stream()
                .filter(e -> e.getValue()[0] >= min)
                .sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -e.getValue()[0]).thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey)
                .toArray(String[]::new);
    }

    public String labelPrefix() {
        return labelPrefix;
    }

    /** Rows of the input table that hold hash buckets (all buckets, or those a pruned model kept). */
    public int buckets() {
        return bucketIndex.rows();
    }

    public int wordNgrams() {
        return features.wordNgrams();
    }

    public TextFeatures features() {
        return features;
    }

    public BucketIndex bucketIndex() {
        return bucketIndex;
    }

    /** Words whose rows come before the bucket rows (a model read from fastText), 0 for Kindling's layout. */
    public int leadingWords() {
        return leadingWords;
    }

    /** The input-table row of word {@code id}. */
    public int wordRow(int id) {
        return id < leadingWords ? id : bucketIndex.rows() + id;
    }

    /** The word whose row {@code row} is, or −1 for a bucket row. */
    public int wordOfRow(int row) {
        if (row < leadingWords) {
            return row;
        }
        return row < leadingWords + bucketIndex.rows() ? -1 : row - bucketIndex.rows();
    }

    /** The input-table row of bucket row {@code r} (0 ≤ r &lt; {@link #buckets()}). */
    public int bucketRow(int r) {
        return leadingWords + r;
    }

    public int wordCount() {
        return words.length;
    }

    public int labelCount() {
        return labels.length;
    }

    /** Rows of the input table: bucket rows plus words. */
    public int inputRows() {
        return bucketIndex.rows() + words.length;
    }

    public String word(int id) {
        return words[id];
    }

    public long wordFrequency(int id) {
        return wordCounts[id];
    }

    public boolean isActive(int id) {
        return active[id];
    }

    public String label(int id) {
        String[] l = labels;
        if (id < 0 || id >= l.length) {
            throw new IllegalArgumentException("label id " + id + " is out of range [0, " + l.length + ")");
        }
        return l[id];
    }

    public long labelFrequency(int id) {
        return labelCounts[id];
    }

    public long[] labelFrequencies() {
        return labelCounts.clone();
    }

    /** The id of a word, or −1 when unknown. */
    public int wordId(String word) {
        return wordIds.getOrDefault(word, -1);
    }

    /** The id of a label (with its prefix), or −1 when unknown. */
    public int labelId(String label) {
        return labelIds.getOrDefault(label, -1);
    }

    public boolean isLabel(String token) {
        return token.startsWith(labelPrefix);
    }

    /**
     * Input-table rows of a tokenized line, as fastText builds them: for each non-label token, its word row
     * if it is a known word (active ones only unless {@code includeInactive}) followed by its character
     * n-grams (known or not, except for {@link Tokenizer#EOS}); then the word n-grams over all non-label
     * tokens. Buckets a pruned model dropped contribute nothing.
     */
    public int[] inputRows(List<String> tokens, boolean includeInactive) {
        int n = tokens.size();
        boolean wordNgrams = features.hasWordNgrams(), charNgrams = features.hasCharNgrams();
        int[] hashes = wordNgrams ? new int[n] : null;
        int[] rows = new int[n * Math.max(1, features.wordNgrams())];
        int count = 0, nh = 0;
        boolean[] act = active;
        RowCollector chars = charNgrams ? new RowCollector() : null;
        for (String t : tokens) {
            if (isLabel(t)) {
                continue;
            }
            int id = wordId(t);
            if (id >= 0 && (includeInactive || (id < act.length && act[id]))) {
                if (count == rows.length) {
                    rows = Arrays.copyOf(rows, rows.length * 2 + 8);
                }
                rows[count++] = wordRow(id);
            }
            if (charNgrams || wordNgrams) {
                byte[] utf8 = t.getBytes(StandardCharsets.UTF_8);
                if (charNgrams && !t.equals(Tokenizer.EOS)) {
                    chars.start(rows, count);
                    CharNgrams.forEach(utf8, features.minn(), features.maxn(), features.buckets(), features.hashing(), chars);
                    rows = chars.rows;
                    count = chars.count;
                }
                if (wordNgrams) {
                    hashes[nh++] = features.hashing().tokenHash(utf8, 0, utf8.length);
                }
            }
        }
        if (wordNgrams) {
            if (rows.length < count + nh * (features.wordNgrams() - 1)) {
                rows = Arrays.copyOf(rows, count + nh * (features.wordNgrams() - 1));
            }
            int end = TextHashing.ngramBuckets(hashes, nh, features.wordNgrams(), features.buckets(), features.hashing(), rows, count);
            for (int i = count; i < end; i++) {
                int r = bucketIndex.row(rows[i]);
                if (r >= 0) {
                    rows[count++] = leadingWords + r;
                }
            }
        }
        return Arrays.copyOf(rows, count);
    }

    /** Appends the rows of character n-gram buckets (those the bucket index keeps) to a growing array. */
    private final class RowCollector implements IntConsumer {
        int[] rows;
        int count;

        void start(int[] into, int at) {
            rows = into;
            count = at;
        }

        @Override
        public void accept(int bucket) {
            int r = bucketIndex.row(bucket);
            if (r < 0) {
                return;
            }
            if (count == rows.length) {
                rows = Arrays.copyOf(rows, rows.length * 2 + 8);
            }
            rows[count++] = leadingWords + r;
        }
    }

    /** Label ids of a tokenized line; unknown labels are returned as −1. */
    public int[] labelIds(List<String> tokens) {
        List<Integer> out = new ArrayList<>();
        for (String t : tokens) {
            if (isLabel(t)) {
                out.add(labelId(t));
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Adds words not yet known, inactive; returns the ids of all given words (existing ones keep theirs).
     * New words get rows after every existing row ({@link #wordRow}). A word that breaks {@link TextRules#wordProblem} is
     * refused, and then none is added.
     */
    public synchronized int[] addWords(List<String> newWords) {
        int[] ids = new int[newWords.size()];
        List<String> added = new ArrayList<>();
        int next = words.length;
        for (int i = 0; i < ids.length; i++) {
            String w = newWords.get(i);
            checkNewWord(w);
            int id = wordId(w);
            if (id < 0) {
                int pending = added.indexOf(w);
                if (pending < 0) {
                    added.add(w);
                    pending = added.size() - 1;
                }
                id = next + pending;
            }
            ids[i] = id;
        }
        String[] w2 = Arrays.copyOf(words, next + added.size());
        long[] c2 = Arrays.copyOf(wordCounts, w2.length);
        boolean[] a2 = Arrays.copyOf(active, w2.length);
        for (int i = 0; i < added.size(); i++) {
            w2[next + i] = added.get(i);
        }
        // Publish arrays before the ids so a reader that finds an id also finds its entry.
        words = w2;
        wordCounts = c2;
        active = a2;
        for (int i = 0; i < added.size(); i++) {
            wordIds.put(added.get(i), next + i);
        }
        return ids;
    }

    /**
     * Adds labels (with prefix) not yet known; returns the ids of all given labels. A label whose name
     * breaks {@link LabelRules} is refused, and then none is added.
     */
    public synchronized int[] addLabels(List<String> newLabels) {
        int[] ids = new int[newLabels.size()];
        String[] l2 = labels;
        long[] c2 = labelCounts;
        List<String> added = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            String l = newLabels.get(i);
            checkNewLabel(l);
            int id = labelId(l);
            if (id < 0) {
                int pending = added.indexOf(l);
                if (pending < 0) {
                    added.add(l);
                    pending = added.size() - 1;
                }
                id = labels.length + pending;
            }
            ids[i] = id;
        }
        int base = labels.length;
        l2 = Arrays.copyOf(l2, base + added.size());
        c2 = Arrays.copyOf(c2, l2.length);
        for (int i = 0; i < added.size(); i++) {
            l2[base + i] = added.get(i);
        }
        labels = l2;
        labelCounts = c2;
        for (int i = 0; i < added.size(); i++) {
            labelIds.put(added.get(i), base + i);
        }
        return ids;
    }

    /** Fails, as {@link #addWords} would, when {@code word} cannot be a word of this dictionary. */
    public void checkNewWord(String word) {
        String problem = TextRules.wordProblem(word, labelPrefix);
        if (problem != null) {
            throw new IllegalArgumentException("cannot add word " + Printable.quote(word) + ": " + problem);
        }
    }

    /** Fails, as {@link #addLabels} would, when {@code label} (with prefix) cannot be a label of this dictionary. */
    public void checkNewLabel(String label) {
        if (label == null || !isLabel(label)) {
            throw new IllegalArgumentException("cannot add label " + Printable.quote(label) + ": labels start with '" + labelPrefix + "'");
        }
        String problem = LabelRules.problem(label.substring(labelPrefix.length()));
        if (problem != null) {
            throw new IllegalArgumentException("cannot add label " + Printable.quote(label) + ": " + problem + "; " + LabelRules.EXPECTED);
        }
    }

    /** Marks a word as trained, so inference uses it from now on. */
    public void activate(int id) {
        boolean[] a = active;
        if (!a[id]) {
            a[id] = true;
        }
    }

    String[] wordsArray() {
        return words;
    }

    long[] wordCountsArray() {
        return wordCounts;
    }

    boolean[] activeArray() {
        return active;
    }

    String[] labelsArray() {
        return labels;
    }

    long[] labelCountsArray() {
        return labelCounts;
    }
}
