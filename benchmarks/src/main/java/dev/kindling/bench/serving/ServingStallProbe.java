package dev.kindling.bench.serving;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.finetune.FineTuningBusyException;
import dev.kindling.core.serving.finetune.FineTuningSettings;
import dev.kindling.core.serving.finetune.ModelFineTuner;
import dev.kindling.core.serving.guard.GuardSettings;
import dev.kindling.core.serving.guard.LabelPolicySettings;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.ModelSettings;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.text.TextClassifier;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Does anything the engine does besides training stall serving? Classifier threads call
 * {@link ServingEngine#classify} back to back and record every call's latency while, phase by phase, the engine does one
 * more thing: nothing; feedback training; training plus a checkpoint every 500 ms; training with a brand-new label in
 * every example (label growth: the output layer grows); training plus a swap (load a model file, swap it in) every 2 s,
 * the feedback teaching the model's own labels otherwise. Each phase
 * prints one line (classifications, rate, p50, p99, p99.9, max, how many events happened) so the phases can be compared
 * with the idle one. The engine runs at its defaults (validation gate on: a serving copy apart from the learned one) unless
 * {@code minimal} is given (one copy: staged rows published under the write lock), with the label caps lifted so label
 * growth is not refused.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -Xmx4g -cp benchmarks/target/benchmarks.jar
 * dev.kindling.bench.serving.ServingStallProbe [model.bin=kindling-data/wordnet-default.bin] [seconds per phase=10]
 * [classifier threads=1] [defaults|minimal]}
 */
public final class ServingStallProbe {

    private static final String MODEL = "wordnet";
    private static final String[] TEXTS = {
        "a domesticated carnivorous mammal that barks", "a sweet red fruit that grows on trees",
        "a person who plays the violin in an orchestra", "a vehicle with four wheels driven by an engine",
        "a building where people pray", "to move quickly on foot", "a large body of salt water",
        "an instrument for measuring temperature",
    };

    private ServingStallProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path modelFile = Path.of(args.length > 0 ? args[0] : "kindling-data/wordnet-default.bin");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        boolean minimal = args.length > 3 && args[3].equals("minimal");
        List<String[]> glosses = WordNetSynsets.load();
        Path data = Files.createTempDirectory("kindling-stall-probe");
        GuardSettings guard = (minimal ? GuardSettings.minimal() : GuardSettings.defaults()).withLabels(LabelPolicySettings.unrestricted());
        try (ServingEngine engine = ServingEngine.builder().dataDirectory(data)
                .model(ModelSettings.builder(MODEL).checkpoint(modelFile).devices("cpu").build())
                .fineTuning(FineTuningSettings.builder().checkpointInterval(Duration.ofHours(1)).guardrails(guard).build()).start()) {
            System.out.printf(Locale.ROOT, "model %s: %d labels; %d classifier thread(s); guardrails %s; %d s a phase%n", modelFile,
                    engine.model(MODEL).labelCount(), threads, minimal ? "minimal" : "defaults", seconds);
            // Feedback teaches the model's own labels (a gloss's hypernym mapped onto one of them), so only the
            // label-growth phase grows the output layer.
            TextClassifier served0 = engine.model(MODEL).classifier();
            String[] known = new String[served0.dictionary().labelCount()];
            for (int i = 0; i < known.length; i++) {
                known[i] = served0.labelName(i);
            }
            phase(engine, "warm-up", seconds, threads, glosses, known, Feedback.KNOWN_LABELS, null, 0);
            engine.awaitApplied(MODEL, Duration.ofMinutes(5));
            phase(engine, "idle", seconds, threads, glosses, known, Feedback.NONE, null, 0);
            phase(engine, "training", seconds, threads, glosses, known, Feedback.KNOWN_LABELS, null, 0);
            ModelFineTuner tuner = engine.fineTuning().tuner(MODEL);
            phase(engine, "training+checkpoints", seconds, threads, glosses, known, Feedback.KNOWN_LABELS, tuner::checkpointIfChanged, 500);
            phase(engine, "training+label-growth", seconds, threads, glosses, known, Feedback.NEW_LABELS, null, 0);
            engine.awaitApplied(MODEL, Duration.ofMinutes(5));
            ServedModel served = engine.model(MODEL);
            // A swap as an operator does one: load a model file (outside any lock), then swap it in.
            phase(engine, "training+swaps", seconds, threads, glosses, known, Feedback.KNOWN_LABELS,
                    () -> served.swap(TextClassifier.load(modelFile)), 2000);
        } finally {
            try (var files = Files.walk(data)) {
                files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private enum Feedback { NONE, KNOWN_LABELS, NEW_LABELS }

    /** Something done back to back for the whole phase (a checkpoint, a swap). */
    private interface Event {
        void run() throws Exception;
    }

    /** One phase: classification measured while {@code feedback} flows and {@code event} runs every {@code periodMillis}. */
    private static void phase(ServingEngine engine, String name, int seconds, int threads, List<String[]> glosses, String[] known,
                              Feedback feedback, Event event, long periodMillis) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong examples = new AtomicLong(), events = new AtomicLong();
        List<Thread> background = new ArrayList<>();
        if (feedback != Feedback.NONE) {
            background.add(Thread.ofPlatform().name("feedback").start(() -> {
                long i = 0;
                while (!stop.get()) {
                    String[] g = glosses.get((int) ((i * 7919) % glosses.size()));
                    String label = feedback == Feedback.NEW_LABELS ? "grown_" + i : known[Math.floorMod(g[0].hashCode(), known.length)];
                    try {
                        engine.feedback(MODEL, LabelledExample.of(g[1], label));
                        examples.incrementAndGet();
                        i++;
                    } catch (FineTuningBusyException busy) {
                        Thread.onSpinWait();
                    }
                }
            }));
        }
        if (event != null) {
            background.add(Thread.ofPlatform().name("event").start(() -> {
                while (!stop.get()) {
                    long next = System.nanoTime() + periodMillis * 1_000_000;
                    try {
                        event.run();
                        events.incrementAndGet();
                    } catch (Exception e) {
                        throw new IllegalStateException(name + ": " + e, e);
                    }
                    for (long wait = next - System.nanoTime(); wait > 0 && !stop.get(); wait = next - System.nanoTime()) {
                        java.util.concurrent.locks.LockSupport.parkNanos(Math.min(wait, 50_000_000));
                    }
                }
            }));
        }
        long[][] latencies = new long[threads][];
        int[] counts = new int[threads];
        Thread[] classifiers = new Thread[threads];
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        for (int t = 0; t < threads; t++) {
            int me = t;
            classifiers[t] = Thread.ofPlatform().name("classify-" + t).start(() -> {
                long[] lat = new long[1 << 16];
                int n = 0;
                for (long now = System.nanoTime(); now < end; ) {
                    engine.classify(MODEL, TEXTS[n % TEXTS.length], 5);
                    long after = System.nanoTime();
                    if (n == lat.length) {
                        lat = Arrays.copyOf(lat, lat.length * 2);
                    }
                    lat[n++] = after - now;
                    now = after;
                }
                latencies[me] = lat;
                counts[me] = n;
            });
        }
        for (Thread c : classifiers) {
            c.join();
        }
        stop.set(true);
        for (Thread b : background) {
            b.join();
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        for (int t = 0, at = 0; t < threads; t++) {
            System.arraycopy(latencies[t], 0, all, at, counts[t]);
            at += counts[t];
        }
        Arrays.sort(all);
        System.out.printf(Locale.ROOT, "PHASE %-22s classifications=%d per_s=%.0f p50_us=%.0f p99_us=%.0f p999_us=%.0f max_ms=%.2f"
                        + " examples_per_s=%.0f events=%d labels=%d%n", name, total, total / (double) seconds, at(all, 0.50), at(all, 0.99),
                at(all, 0.999), all[total - 1] / 1e6, examples.get() / (double) seconds, events.get(), engine.model(MODEL).labelCount());
    }

    private static double at(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e3;
    }
}
