package dev.kindling.core.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Words and labels of a text classifier, and the mapping of a tokenized line to input-table rows.
 * The input table holds the n-gram buckets first (rows 0 … bucket−1) and the words after them (word w
 * is row bucket + w), so new words can be appended without moving anything.
 *
 * <p>Words added to a live model ({@link #addWords}) start inactive: inference ignores them, so existing
 * predictions do not change, until training first updates their rows ({@link #activate}). Lookups are
 * safe while words or labels are being added.
 */
public final class Dictionary {

    private final String labelPrefix;
    private final int buckets;
    private final int wordNgrams;
    private final Map<String, Integer> wordIds = new ConcurrentHashMap<>();
    private final Map<String, Integer> labelIds = new ConcurrentHashMap<>();
    private volatile String[] words;
    private volatile long[] wordCounts;
    private volatile boolean[] active;
    private volatile String[] labels;
    private volatile long[] labelCounts;

    public Dictionary(String labelPrefix, int buckets, int wordNgrams, String[] words, long[] wordCounts, boolean[] active,
                      String[] labels, long[] labelCounts) {
        if (labelPrefix == null || labelPrefix.isEmpty()) {
            throw new IllegalArgumentException("the label prefix must not be empty");
        }
        if (buckets < 0 || wordNgrams < 1 || wordNgrams > TrainingArgs.MAX_WORD_NGRAMS) {
            throw new IllegalArgumentException("need bucket >= 0 and wordNgrams 1.." + TrainingArgs.MAX_WORD_NGRAMS + ", got bucket="
                    + buckets + " wordNgrams=" + wordNgrams);
        }
        if (wordCounts.length != words.length || active.length != words.length || labelCounts.length != labels.length) {
            throw new IllegalArgumentException("dictionary arrays differ in length");
        }
        this.labelPrefix = labelPrefix;
        this.buckets = buckets;
        this.wordNgrams = wordNgrams;
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
        return new Dictionary(labelPrefix, wordNgrams > 1 ? buckets : 0, wordNgrams, w, wCounts, act, l, lCounts);
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

    public int buckets() {
        return buckets;
    }

    public int wordNgrams() {
        return wordNgrams;
    }

    public int wordCount() {
        return words.length;
    }

    public int labelCount() {
        return labels.length;
    }

    /** Rows of the input table: buckets plus words. */
    public int inputRows() {
        return buckets + words.length;
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
     * Input-table rows of a tokenized line: one per known word (active ones only unless
     * {@code includeInactive}), then one per word n-gram bucket over all non-label tokens (known or not).
     */
    public int[] inputRows(List<String> tokens, boolean includeInactive) {
        int n = tokens.size();
        long[] hashes = new long[n];
        // A token's row, then one per n-gram it starts: at most min(n, wordNgrams) rows per token.
        int[] rows = new int[n * Math.max(1, Math.min(n, wordNgrams))];
        int count = 0, nh = 0;
        boolean[] act = active;
        for (String t : tokens) {
            if (isLabel(t)) {
                continue;
            }
            int id = wordId(t);
            if (id >= 0 && (includeInactive || (id < act.length && act[id]))) {
                rows[count++] = buckets + id;
            }
            if (buckets > 0) {
                hashes[nh++] = TextHashing.hash(t);
            }
        }
        count = TextHashing.ngramBuckets(hashes, nh, wordNgrams, buckets, rows, count);
        return Arrays.copyOf(rows, count);
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
     * Rows of new words are {@code bucket + id}. A word that breaks {@link TextRules#wordProblem} is
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
