package dev.kindling.core.data.wordnet;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A labelled text corpus built from WordNet: one example per noun and verb synset that has a hypernym;
 * the text is the synset's words and gloss (lower-cased, punctuation split off), the labels are its
 * hypernym synsets ({@code __label__dog.n02084071}). WordNet 3.1 gives about 96,000 examples over about
 * 18,000 labels. The train/test split is a deterministic function of the synset id and the seed; training
 * examples are shuffled with the seed.
 */
public final class HypernymCorpus {

    /** One example: text and labels (with prefix), and the synset it came from. */
    public record Example(String synsetId, String text, List<String> labels) {

        /** The fastText-format line: labels first, then the text. */
        public String line() {
            return String.join(" ", labels) + " " + text;
        }
    }

    /** Training and test examples. */
    public record Split(List<Example> train, List<Example> test) {
    }

    private HypernymCorpus() {
    }

    /** All examples from the noun and verb data files of {@code source}. */
    public static List<Example> build(WordNetSource source, String labelPrefix) throws IOException {
        List<Example> out = new ArrayList<>();
        for (String file : new String[]{"data.noun", "data.verb"}) {
            List<Synset> synsets = WordNetReader.read(source, file);
            Map<Long, Synset> byOffset = new HashMap<>();
            for (Synset s : synsets) {
                byOffset.put(s.offset(), s);
            }
            for (Synset s : synsets) {
                List<String> labels = new ArrayList<>();
                for (Synset.Pointer p : s.hypernyms()) {
                    Synset h = byOffset.get(p.targetOffset());
                    if (h != null && p.targetPos() == s.pos()) {
                        labels.add(labelPrefix + normalizeWord(h.words().getFirst()) + "." + h.id());
                    }
                }
                if (labels.isEmpty()) {
                    continue;
                }
                StringBuilder text = new StringBuilder();
                for (String w : s.words()) {
                    text.append(normalizeText(w.replace('_', ' '))).append(' ');
                }
                text.append(normalizeText(s.gloss()));
                out.add(new Example(s.id(), text.toString().trim().replaceAll(" +", " "), List.copyOf(labels)));
            }
        }
        return out;
    }

    /** Splits examples: a synset goes to test when a hash of its id and the seed falls below testFraction. */
    public static Split split(List<Example> examples, double testFraction, long seed) {
        if (!(testFraction >= 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in [0, 1), got " + testFraction);
        }
        List<Example> train = new ArrayList<>(), test = new ArrayList<>();
        for (Example e : examples) {
            long h = mix(e.synsetId().hashCode() * 0x9E3779B97F4A7C15L + seed);
            double u = (h >>> 11) / (double) (1L << 53);
            (u < testFraction ? test : train).add(e);
        }
        // WordNet files are ordered by topic; SGD wants the training examples in random order.
        java.util.Collections.shuffle(train, new java.util.Random(seed));
        return new Split(train, test);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Lower case, with every character other than a letter, digit, apostrophe or hyphen turned into a space. */
    static String normalizeText(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toLowerCase(Locale.ROOT).toCharArray()) {
            b.append(Character.isLetterOrDigit(c) || c == '\'' || c == '-' ? c : ' ');
        }
        return b.toString();
    }

    private static String normalizeWord(String w) {
        return w.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_'-]", "");
    }

    /** Writes examples in fastText format, one per line. */
    public static void write(List<Example> examples, Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Example e : examples) {
                w.write(e.line());
                w.newLine();
            }
        }
    }

    /**
     * Writes {@code train.txt} and {@code test.txt} into a folder. Usage:
     * {@code HypernymCorpus OUT_DIR [testFraction=0.1] [seed=1] [wordnetDictDir]} (WordNet 3.1 from the
     * classpath when no directory is given).
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: HypernymCorpus OUT_DIR [testFraction=0.1] [seed=1] [wordnetDictDir]");
            System.exit(1);
        }
        Path out = Path.of(args[0]);
        double fraction = args.length > 1 ? Double.parseDouble(args[1]) : 0.1;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        WordNetSource source = args.length > 3 ? WordNetSource.directory(Path.of(args[3])) : WordNetSource.wn31Classpath();
        List<Example> all = build(source, "__label__");
        Split split = split(all, fraction, seed);
        Files.createDirectories(out);
        write(split.train(), out.resolve("train.txt"));
        write(split.test(), out.resolve("test.txt"));
        long labels = all.stream().flatMap(e -> e.labels().stream()).distinct().count();
        System.out.printf(Locale.ROOT, "WordNet hypernym corpus: %d examples, %d labels; train %d, test %d -> %s%n", all.size(), labels,
                split.train().size(), split.test().size(), out.toAbsolutePath());
    }
}
