package dev.kindling.sample.model;

import dev.kindling.core.data.wordnet.HypernymCorpus;
import dev.kindling.core.data.wordnet.WordNetSource;
import dev.kindling.core.text.LabelledLines;
import dev.kindling.core.text.SupervisedTrainer;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.Tokenizer;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.core.text.TrainingProgress;
import dev.kindling.sample.SampleProperties;
import dev.kindling.core.serving.model.ModelSettings;
import dev.kindling.core.serving.model.ModelInitializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds the default model on first start: every WordNet 3.1 noun and verb synset, its words and gloss
 * as the text and its hypernym synsets (and, by default, theirs) as labels, trained with the two-level
 * hierarchical softmax over words and word bigrams, saved to the model's checkpoint path. Later starts load
 * that file instead.
 */
@Component
public class WordNetModelInitializer implements ModelInitializer {

    private static final Logger log = LoggerFactory.getLogger(WordNetModelInitializer.class);

    private final SampleProperties properties;

    public WordNetModelInitializer(SampleProperties properties) {
        this.properties = properties;
    }

    @Override
    public Optional<TextClassifier> create(String modelName, ModelSettings settings) {
        SampleProperties.DefaultModel d = properties.getDefaultModel();
        if (!modelName.equals(d.getName())) {
            return Optional.empty();
        }
        try {
            long start = System.nanoTime();
            TrainingArgs args = TrainingArgs.defaults().withLoss(TrainingArgs.Loss.HSM).withDim(d.getDim()).withEpoch(d.getEpochs())
                    .withLr(d.getLearningRate()).withWordNgrams(d.getWordNgrams()).withBucket(d.getWordNgrams() > 1 ? 500_000 : 0)
                    .withThread(d.getThreads() > 0 ? d.getThreads() : Runtime.getRuntime().availableProcessors()).withVerbose(0);
            List<HypernymCorpus.Example> examples = HypernymCorpus.build(WordNetSource.wn31Classpath(), args.label());
            Map<String, List<String>> hypernymsOf = new HashMap<>();
            for (HypernymCorpus.Example e : examples) {
                hypernymsOf.put(e.synsetId(), e.labels());
            }
            if (d.getMaxExamples() > 0 && examples.size() > d.getMaxExamples()) {
                examples = examples.subList(0, d.getMaxExamples());
            }
            List<LabelledLines.Line> lines = new ArrayList<>(examples.size());
            long n = 0;
            for (HypernymCorpus.Example e : examples) {
                Set<String> labels = new LinkedHashSet<>(e.labels());
                if (d.isGrandparentLabels()) {
                    for (String l : e.labels()) {
                        // A label is "word.<synset id>"; that synset's own hypernyms are one level further up.
                        labels.addAll(hypernymsOf.getOrDefault(l.substring(l.lastIndexOf('.') + 1), List.of()));
                    }
                }
                lines.add(new LabelledLines.Line(++n, Tokenizer.tokens(String.join(" ", labels) + " " + e.text())));
            }
            log.info("Training the default model '{}' from WordNet 3.1: {} synsets, {} threads, {} epochs (first start only)",
                    modelName, lines.size(), args.thread(), args.epoch());
            AtomicLong lastLog = new AtomicLong();
            TextClassifier model = SupervisedTrainer.train(lines, args, p -> report(p, lastLog));
            log.info("Default model trained in {} s: {}", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9), model);
            if (settings.checkpoint() != null) {
                model.save(settings.checkpoint());
                log.info("Saved the default model to {}; later starts load it", settings.checkpoint().toAbsolutePath());
            }
            return Optional.of(model);
        } catch (IOException e) {
            throw new UncheckedIOException("could not build the default WordNet model", e);
        }
    }

    private static void report(TrainingProgress p, AtomicLong lastLog) {
        long now = System.nanoTime();
        if (now - lastLog.get() < 5_000_000_000L && p.progress() < 1.0) {
            return;
        }
        lastLog.set(now);
        log.info(String.format(Locale.ROOT, "training: %5.1f%%  words/sec/thread %8.0f  lr %.4f  loss %.4f  ETA %ds",
                100 * p.progress(), p.wordsPerSecPerThread(), p.lr(), p.averageLoss(), p.etaSeconds()));
    }
}
