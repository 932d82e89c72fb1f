package dev.kindling.bench.serving;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.finetune.FineTuningSettings;
import dev.kindling.core.serving.guard.ClassifierCopier;
import dev.kindling.core.serving.guard.GuardSettings;
import dev.kindling.core.serving.guard.HeldOutExample;
import dev.kindling.core.serving.guard.HeldOutScorer;
import dev.kindling.core.serving.guard.KeptVersion;
import dev.kindling.core.serving.guard.LabelRefusedException;
import dev.kindling.core.serving.guard.LogAfterRollback;
import dev.kindling.core.text.ModelDigest;
import dev.kindling.core.serving.guard.RequestOrigin;
import dev.kindling.core.serving.guard.RollbackResult;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.ModelSettings;
import dev.kindling.core.text.LabelledLines;
import dev.kindling.core.text.SupervisedTrainer;
import dev.kindling.core.text.TablePlacement;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.TrainingArgs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * What the guardrails cost on a WordNet-sized model (WordNet 3.1 noun and verb synsets: their words and gloss labelled with
 * their hypernym, as the sample's default model; -loss hsm, word bigrams): feedback throughput with every guardrail off and at the defaults (a second serving
 * copy, promotion by deltas, online precision, the audit trail with an fsync per request), the memory of the serving copy,
 * a full copy, a parameter digest, a judgement over 1,000 held-out examples, keeping a version, a rollback, and the issue's
 * flood of 2,000 brand-new labels. Wall-clock figures on whatever machine runs it.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -Xmx6g -cp benchmarks/target/benchmarks.jar
 * dev.kindling.bench.serving.GuardrailsCost [dir] [dim] [epochs] [feedback examples]}
 */
public final class GuardrailsCost {


    private GuardrailsCost() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"), "kindling-guardrails-cost"));
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int feedback = args.length > 3 ? Integer.parseInt(args[3]) : 20_000;
        List<String[]> glosses = WordNetSynsets.load();
        Path model = dir.resolve("wordnet.bin");
        long t0 = System.nanoTime();
        TextClassifier trained = train(glosses, dim, epochs);
        trained.save(model);
        long floats = trained.inputTable().numel() + outputFloats(trained);
        System.out.printf(Locale.ROOT, "model: %d synsets, %d hypernym labels, %d words, dim %d, %.0f MB of parameters; trained in %.1f s%n",
                glosses.size(), trained.dictionary().labelCount(), trained.dictionary().wordCount(), dim, floats * 4 / 1e6, secs(t0));

        t0 = System.nanoTime();
        TextClassifier copy = new ClassifierCopier(dir, TablePlacement.HEAP).apply(trained);
        System.out.printf(Locale.ROOT, "full copy (a promotion without deltas, the serving copy at start): %.0f ms; the serving copy holds"
                + " %.0f MB%n", ms(t0), floats * 4 / 1e6);
        t0 = System.nanoTime();
        String digest = ModelDigest.of(copy).combined();
        System.out.printf(Locale.ROOT, "parameter digest: %.0f ms (%s)%n", ms(t0), digest);
        List<HeldOutExample> heldOut = new ArrayList<>();
        Random rng = new Random(5);
        for (int i = 0; i < 1000; i++) {
            String[] g = glosses.get(rng.nextInt(glosses.size()));
            heldOut.add(new HeldOutExample(LabelledExample.of(g[1], g[0]), 0));
        }
        HeldOutScorer.score(copy, heldOut);
        t0 = System.nanoTime();
        var score = HeldOutScorer.score(copy, heldOut);
        System.out.printf(Locale.ROOT, "judging one version on 1,000 held-out examples: %.0f ms (%s)%n", ms(t0), score);

        for (boolean guarded : new boolean[]{false, true}) {
            Path data = dir.resolve(guarded ? "data-defaults" : "data-off");
            deleteTree(data);
            GuardSettings g = guarded ? GuardSettings.defaults() : GuardSettings.minimal();
            try (ServingEngine engine = ServingEngine.builder().dataDirectory(data)
                    .model(ModelSettings.builder("wordnet").checkpoint(model).devices("cpu").build())
                    .fineTuning(FineTuningSettings.builder().checkpointInterval(Duration.ofHours(1)).guardrails(g).build()).start()) {
                String name = guarded ? "defaults" : "guardrails off";
                RequestOrigin origin = new RequestOrigin("key-bench", "127.0.0.1");
                t0 = System.nanoTime();
                for (int i = 0; i < feedback; i++) {
                    String[] gl = glosses.get((i * 7919) % glosses.size());
                    submit(engine, LabelledExample.of(gl[1], gl[0]), origin);
                }
                if (!engine.awaitApplied("wordnet", Duration.ofMinutes(10))) {
                    throw new IllegalStateException("feedback not applied in 10 minutes");
                }
                double s = secs(t0);
                System.out.printf(Locale.ROOT, "%s: %d feedback examples acknowledged and learned in %.1f s (%.0f examples/s)%s%n", name, feedback,
                        s, feedback / s, guarded ? String.format(Locale.ROOT, "; %d promotions, %d holds; online P@1 %.3f", engine.guard("wordnet")
                        .gate().promotions(), engine.guard("wordnet").gate().holds(), engine.guard("wordnet").online().precisionAt1()) : "");
                if (!guarded) {
                    continue;
                }
                t0 = System.nanoTime();
                engine.fineTuning().tuner("wordnet").checkpointIfChanged();
                System.out.printf(Locale.ROOT, "keeping a version (model file and digest) with a checkpoint: %.0f ms%n", ms(t0));
                int accepted = 0;
                t0 = System.nanoTime();
                for (int i = 0; i < 2000; i++) {
                    try {
                        engine.feedback("wordnet", LabelledExample.of("a sweet red fruit that grows on trees", "spam_" + i), origin);
                        accepted++;
                    } catch (LabelRefusedException e) {
                        // counted below
                    }
                }
                System.out.printf(Locale.ROOT, "flood of 2,000 new labels: %d accepted, %d refused in %.2f s%n", accepted, 2000 - accepted, secs(t0));
                engine.awaitApplied("wordnet", Duration.ofMinutes(1));
                KeptVersion initial = engine.versions("wordnet").getLast();
                t0 = System.nanoTime();
                RollbackResult r = engine.rollback("wordnet", initial.version(), LogAfterRollback.DISCARD, origin);
                System.out.printf(Locale.ROOT, "rollback to the initial version, discarding %d records: %.0f ms (digest %s)%n", r.records(), ms(t0),
                        r.digest().equals(initial.digest()) ? "equal" : "DIFFERENT");
            }
        }
    }

    /** Feedback as a client that honours 429 sends it: a full queue is retried a moment later. */
    private static void submit(ServingEngine engine, LabelledExample e, RequestOrigin origin) throws InterruptedException {
        while (true) {
            try {
                engine.feedback("wordnet", e, origin);
                return;
            } catch (dev.kindling.core.serving.finetune.FineTuningBusyException busy) {
                Thread.sleep(1);
            }
        }
    }


    private static TextClassifier train(List<String[]> glosses, int dim, int epochs) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String[] g : glosses) {
            sb.append("__label__").append(g[0]).append(' ').append(g[1]).append('\n');
        }
        LabelledLines.Result lines = LabelledLines.read(new java.io.ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)), "__label__");
        TrainingArgs args = TrainingArgs.defaults().withLoss(TrainingArgs.Loss.HSM).withDim(dim).withEpoch(epochs).withWordNgrams(2)
                .withBucket(200_000).withThread(Math.max(1, Runtime.getRuntime().availableProcessors())).withVerbose(0);
        return SupervisedTrainer.train(lines.lines(), args, null);
    }

    private static long outputFloats(TextClassifier c) {
        if (c.output() instanceof dev.kindling.core.hsm.HierarchicalSoftmax h) {
            return h.clusterWeight().value().numel() + h.clusterBias().value().numel() + h.classWeight().value().numel()
                    + h.classBias().value().numel();
        }
        return 0;
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.exists(p)) {
            try (var s = Files.walk(p)) {
                for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }
}
