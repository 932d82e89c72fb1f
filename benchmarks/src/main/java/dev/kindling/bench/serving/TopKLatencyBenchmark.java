package dev.kindling.bench.serving;

import dev.kindling.core.hsm.TopK;
import dev.kindling.core.text.InputRows;
import dev.kindling.core.text.TextClassifier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * In-process serving latency as the label set grows: exact top-5 of a tokenized text through the one prediction path
 * the engine uses ({@link TextClassifier#predictIds(List, int, InputRows)}: dictionary rows, their mean, the output
 * layer's exact search), for the two-level HSM ({@code hsm}) and the binary-tree softmax ({@code hs}) on
 * {@link SyntheticModels} (d = 100, labels in topics, texts of 3–6 words). {@code topical} texts take their words from
 * one topic (a text about something: the model is sure of the topic); {@code mixed} texts take random words (a text
 * the model is unsure about: an exact search must open many clusters or subtrees, so its cost grows with the labels).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar TopKLatency -f 1 -wi 3 -i 5}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
@State(Scope.Thread)
public class TopKLatencyBenchmark {

    static final int QUERIES = 1024;

    @Param({"20000", "100000", "1000000"})
    public int labels;

    @Param({"hsm", "hs"})
    public String kind;

    @Param({"topical", "mixed"})
    public String queries;

    private TextClassifier model;
    private InputRows rows;
    private List<List<List<String>>> texts;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        model = SyntheticModels.build(labels, kind);
        rows = model.inputRows();
        Random rng = new Random(11);
        texts = new ArrayList<>();
        int topics = SyntheticModels.topics(labels), perTopic = SyntheticModels.WORDS / topics;
        for (int q = 0; q < QUERIES; q++) {
            List<String> text = new ArrayList<>();
            int n = 3 + rng.nextInt(4), topic = rng.nextInt(topics);
            for (int i = 0; i < n; i++) {
                int w = queries.equals("topical") ? topic + topics * rng.nextInt(perTopic) : rng.nextInt(SyntheticModels.WORDS);
                text.add("w" + w);
            }
            texts.add(List.of(text));
        }
    }

    @Benchmark
    public List<TopK> top5() {
        List<List<String>> q = texts.get(next);
        next = (next + 1) & (QUERIES - 1);
        return model.predictIds(q, 5, rows);
    }
}
