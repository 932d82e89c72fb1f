package dev.kindling.core.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.kindling.core.cli.KindlingCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** fastText's commands and flags in {@code kindling}, checked against what fastText 0.9.2 printed for the same models. */
class FastTextCommandsTest {

    @TempDir
    Path dir;

    private static Path fixture(String name) {
        try {
            return Path.of(FastTextCommandsTest.class.getResource("/fasttext/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    @Test
    void dumpTestAndSentenceVectorsPrintWhatFastTextPrinted() throws IOException {
        assertEquals(read(fixture("subword-q.dump-args.txt")), run("", "dump", fixture("subword-q.ftz").toString(), "args").out());
        assertEquals(read(fixture("hs.dump-dict.txt")), run("", "dump", fixture("hs.bin").toString(), "dict").out());
        for (String m : new String[]{"softmax", "hs", "ns", "ova", "subword", "big-hs", "subword-q", "big-hs-q"}) {
            String model = fixture(m + (m.endsWith("-q") ? ".ftz" : ".bin")).toString();
            String test = fixture(m.startsWith("big") ? "big-test.txt" : m.equals("ova") ? "multi-test.txt" : "single-test.txt").toString();
            assertEquals(read(fixture(m + ".test-1.txt")), run("", "test", model, test, "1").out(), m);
        }
        List<String> expected = Files.readAllLines(fixture("subword.sentence-vectors.txt"), StandardCharsets.UTF_8);
        List<String> got = run(read(fixture("single-test.txt")), "print-sentence-vectors", fixture("subword.bin").toString()).out().lines().toList();
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < expected.size(); i++) {
            String[] e = expected.get(i).trim().split(" "), g = got.get(i).trim().split(" ");
            assertEquals(e.length, g.length);
            for (int j = 0; j < e.length; j++) {
                assertEquals(Double.parseDouble(e[j]), Double.parseDouble(g[j]), 1e-4 * Math.max(1, Math.abs(Double.parseDouble(e[j]))),
                        "line " + (i + 1));
            }
        }
        KindlingCliTest.Run out = run("", "dump", fixture("hs.bin").toString(), "output");
        assertTrue(out.out().startsWith("20 8\n-1.44982 -0.469842 0.326046"), out.out().substring(0, 60));
    }

    @Test
    void newFlagsTrainQuantizeAndPredictWithAThreshold() throws IOException {
        Path train = fixture("multi-test.txt");
        String prefix = dir.resolve("ova").toString();
        KindlingCliTest.Run r = run("", "supervised", "-input", train.toString(), "-output", prefix, "-loss", "ova", "-minn", "2", "-maxn", "4",
                "-wordNgrams", "2", "-bucket", "20000", "-dim", "16", "-epoch", "100", "-lr", "0.5", "-thread", "1", "-verbose", "1",
                "-format", "auto");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("in fastText's format"), r.err());
        assertTrue(Files.exists(Path.of(prefix + ".vec")));
        List<String> multi = run(read(train), "predict-prob", prefix + ".bin", "-", "-1", "0.5").out().lines().toList();
        assertEquals(200, multi.size());
        assertTrue(multi.stream().filter(l -> l.split(" ").length >= 4).count() > 30, "several labels above 0.5 on multi-label lines: "
                + String.join("\n", multi.subList(0, 10)));

        // Quantize with pruning, norms and retraining, then use the .ftz.
        r = run("", "quantize", "-output", prefix, "-input", train.toString(), "-cutoff", "600", "-qnorm", "-retrain", "-epoch", "2",
                "-thread", "1", "-verbose", "1");
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.size(Path.of(prefix + ".ftz")) < Files.size(Path.of(prefix + ".bin")));
        KindlingCliTest.Run t = run("", "test", prefix + ".ftz", train.toString(), "1");
        double p1 = Double.parseDouble(t.out().lines().filter(l -> l.startsWith("P@1")).findFirst().orElseThrow().split("\t")[1]);
        assertTrue(p1 > 0.5, t.out());
        KindlingCliTest.Run labels = run("", "test-label", prefix + ".ftz", train.toString(), "2", "0.3");
        assertTrue(labels.out().contains("F1-Score : ") && labels.out().contains("Recall : 0.") && labels.out().contains("P@2\t0."),
                labels.out());

        // Pretrained vectors: the .vec just written seeds a new model; a dimension mismatch is refused.
        r = run("", "supervised", "-input", train.toString(), "-output", dir.resolve("pre").toString(), "-pretrainedVectors", prefix + ".vec",
                "-dim", "16", "-epoch", "1", "-thread", "1", "-verbose", "0");
        assertEquals(0, r.status(), r.err());
        r = run("", "supervised", "-input", train.toString(), "-output", dir.resolve("bad").toString(), "-pretrainedVectors", prefix + ".vec",
                "-dim", "10", "-verbose", "0");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("16 values") && r.err().contains("-dim is 10"), r.err());
    }

    @Test
    void fastTextReadsKindlingsQuantizedModels() throws Exception {
        assumeTrue(java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, "fasttext"))), "fastText is not installed (apt-get install fasttext)");
        Path train = fixture("single-test.txt");
        String prefix = dir.resolve("sm").toString();
        assertEquals(0, run("", "supervised", "-input", train.toString(), "-output", prefix, "-minn", "2", "-maxn", "3", "-dim", "8",
                "-epoch", "20", "-lr", "0.5", "-thread", "1", "-verbose", "0").status());
        KindlingCliTest.Run q = run("", "quantize", "-output", prefix, "-cutoff", "700", "-qnorm", "-verbose", "0");
        assertEquals(0, q.status(), q.err());
        Process p = new ProcessBuilder("fasttext", "test", prefix + ".ftz", train.toString(), "1").start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, new String(p.getErrorStream().readAllBytes()));
        assertEquals(printed, run("", "test", prefix + ".ftz", train.toString(), "1").out());
    }
}
