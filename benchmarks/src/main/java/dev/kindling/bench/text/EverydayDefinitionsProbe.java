package dev.kindling.bench.text;

import dev.kindling.core.data.wordnet.HypernymCorpus;
import dev.kindling.core.data.wordnet.WordNetSource;
import dev.kindling.core.text.LabelledLines;
import dev.kindling.core.text.Prediction;
import dev.kindling.core.text.SupervisedTrainer;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.Tokenizer;
import dev.kindling.core.text.TrainingArgs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains a WordNet 3.1 hypernym model on all synsets (as the sample service's default model) and prints its
 * top labels for everyday definitions, to judge a configuration by what a first-time user sees. Usage:
 * {@code EverydayDefinitionsProbe LOSS EPOCHS WORD_NGRAMS [DIM=100] [THREADS=2] [LR=0.5] [BUCKET=500000] [MINN=0]
 * [MAXN=0] [TREE=semantic]}.
 */
public final class EverydayDefinitionsProbe {

    static final String[] DEFINITIONS = {
            "a domesticated carnivorous mammal that barks",
            "to move quickly on foot",
            "a sweet red fruit that grows on trees",
            "a large vehicle that carries many passengers",
            "a building where people live",
            "a musical instrument with strings",
            "a small bird that sings",
            "a hot drink made from roasted beans",
            "to cook food in an oven",
            "a person who teaches children at school",
    };

    private EverydayDefinitionsProbe() {
    }

    public static void main(String[] a) throws Exception {
        TrainingArgs args = TrainingArgs.defaults().withLoss(TrainingArgs.Loss.parse(a[0])).withEpoch(Integer.parseInt(a[1]))
                .withWordNgrams(Integer.parseInt(a[2])).withDim(a.length > 3 ? Integer.parseInt(a[3]) : 100)
                .withThread(a.length > 4 ? Integer.parseInt(a[4]) : 2).withLr(a.length > 5 ? Float.parseFloat(a[5]) : 0.5f)
                .withBucket(a.length > 6 ? Integer.parseInt(a[6]) : 500_000).withVerbose(0)
                .withMaxn(a.length > 8 ? Integer.parseInt(a[8]) : 0).withMinn(a.length > 7 ? Integer.parseInt(a[7]) : 0)
                .withTree(a.length > 9 ? TrainingArgs.Tree.parse(a[9]) : TrainingArgs.Tree.SEMANTIC);
        long t0 = System.nanoTime();
        List<HypernymCorpus.Example> examples = HypernymCorpus.build(WordNetSource.wn31Classpath(), args.label());
        boolean grandparents = a.length > 10 && a[10].equals("grandparents");
        java.util.Map<String, List<String>> hypernymsOf = new java.util.HashMap<>();
        for (HypernymCorpus.Example e : examples) {
            hypernymsOf.put(e.synsetId(), e.labels());
        }
        List<LabelledLines.Line> lines = new ArrayList<>(examples.size());
        long n = 0;
        for (HypernymCorpus.Example e : examples) {
            java.util.LinkedHashSet<String> labels = new java.util.LinkedHashSet<>(e.labels());
            if (grandparents) {
                for (String l : e.labels()) {
                    labels.addAll(hypernymsOf.getOrDefault(l.substring(l.lastIndexOf('.') + 1), List.of()));
                }
            }
            lines.add(new LabelledLines.Line(++n, Tokenizer.tokens(String.join(" ", labels) + " " + e.text())));
        }
        TextClassifier model = SupervisedTrainer.train(lines, args, null);
        System.out.printf(Locale.ROOT, "%s epochs %d wordNgrams %d dim %d threads %d: trained in %.1f s%n", a[0], args.epoch(),
                args.wordNgrams(), args.dim(), args.thread(), (System.nanoTime() - t0) / 1e9);
        for (String d : DEFINITIONS) {
            StringBuilder sb = new StringBuilder();
            for (Prediction p : model.predict(d, 3, 0f)) {
                sb.append(String.format(Locale.ROOT, "  %s %.2f", p.label().substring(args.label().length()), p.probability()));
            }
            System.out.println(d + " ->" + sb);
        }
    }
}
