package dev.kindling.core.cli;

import dev.kindling.core.fasttext.CNumber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KindlingCliTest {

    record Run(int status, String out, String err) {
    }

    static Run run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = new KindlingCli(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static List<String> corpus(int labels, int perLabel, long seed) {
        Random rng = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < perLabel; i++) {
            for (int l = 0; l < labels; l++) {
                out.add("__label__c" + l + " word" + l + " w" + l + "x" + rng.nextInt(3) + " common" + rng.nextInt(5));
            }
        }
        java.util.Collections.shuffle(out, rng);
        return out;
    }

    /** A model file damaged after it was written: predict and test refuse it with one clear line, no output, exit 1. */
    @Test
    void predictOnADamagedModelFailsWithAClearMessage(@TempDir Path dir) throws IOException {
        Path train = dir.resolve("train.txt");
        Files.write(train, corpus(4, 10, 3));
        Run r = run("", "supervised", "-input", train.toString(), "-output", dir.resolve("m").toString(), "-dim", "8", "-epoch", "2",
                "-thread", "1", "-bucket", "500", "-verbose", "0");
        assertEquals(0, r.status(), r.err());
        Path model = dir.resolve("m.bin");
        byte[] b = Files.readAllBytes(model);
        b[b.length / 2] ^= 0x08;   // one bit in the middle of the input table
        Files.write(model, b);
        for (String command : new String[]{"predict", "test"}) {
            Run p = run("word1 w1x0\n", command, model.toString(), command.equals("test") ? train.toString() : "-");
            assertEquals(1, p.status(), command);
            assertEquals("", p.out(), "nothing predicted from a damaged model");
            assertTrue(p.err().startsWith("Error: " + model + " is corrupt: tensor 'input'") && p.err().contains("does not match its checksum")
                    && p.err().lines().count() == 1, p.err());
        }
    }

    @Test
    void supervisedTestAndPredictWorkEndToEndInFastTextFormats(@TempDir Path dir) throws IOException {
        Path train = dir.resolve("train.txt"), test = dir.resolve("test.txt");
        List<String> lines = corpus(8, 20, 1);
        lines.add(3, "this line has no label");
        lines.add(5, "");
        Files.write(train, lines);
        Files.write(test, corpus(8, 3, 2));
        Run r = run("", "supervised", "-input", train.toString(), "-output", dir.resolve("m").toString(), "-dim", "10", "-epoch", "10",
                "-lr", "0.5", "-thread", "2", "-loss", "hs", "-wordNgrams", "2", "-bucket", "1000");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("line 4: no label") && r.err().contains("line 6: empty line"), r.err());
        assertTrue(r.err().contains("Number of labels: 8") && r.err().contains("Progress: 100.0%"), r.err());
        assertTrue(Files.exists(dir.resolve("m.bin")));

        Run t = run("", "test", dir.resolve("m.bin").toString(), test.toString());
        assertEquals(0, t.status(), t.err());
        String[] out = t.out().split("\n");
        assertEquals("N\t24", out[0]);
        assertEquals("P@1\t1", out[1]);
        assertEquals("R@1\t1", out[2]);
        Run t2 = run("", "test", dir.resolve("m.bin").toString(), test.toString(), "2");
        assertTrue(t2.out().contains("P@2\t0.5\n") && t2.out().contains("R@2\t1\n"), t2.out());

        Run p = run("word3 w3x1\nword5\n", "predict", dir.resolve("m.bin").toString(), "-", "2");
        assertEquals(0, p.status(), p.err());
        String[] preds = p.out().split("\n");
        assertEquals(2, preds.length);
        assertTrue(preds[0].startsWith("__label__c3 __label__c"), preds[0]);
        assertTrue(preds[1].startsWith("__label__c5 "), preds[1]);
        Run pp = run("word3\n", "predict-prob", dir.resolve("m.bin").toString(), "-");
        assertTrue(pp.out().matches("__label__c3 0\\.\\d+\n"), pp.out());

        // fastText's exact tree and the two-level HSM learn the same data.
        for (String[] flags : new String[][]{{"-loss", "hs", "-tree", "huffman"}, {"-loss", "hsm", "-tree", "semantic"}}) {
            Run other = run("", "supervised", "-input", train.toString(), "-output", dir.resolve("o").toString(), "-dim", "10",
                    "-epoch", "10", "-lr", "0.5", "-thread", "1", "-bucket", "1000", flags[0], flags[1], flags[2], flags[3]);
            assertEquals(0, other.status(), other.err());
            Run ot = run("", "test", dir.resolve("o.bin").toString(), test.toString());
            assertTrue(ot.out().contains("P@1\t1\n"), String.join(" ", flags) + ": " + ot.out());
        }
    }

    @Test
    void badLinesCanRejectTheFile(@TempDir Path dir) throws IOException {
        Path train = dir.resolve("train.txt");
        Files.write(train, List.of("__label__a fine", "no label", "__label__b ok"));
        Run r = run("", "supervised", "-input", train.toString(), "-output", dir.resolve("m").toString(), "-badLines", "fail",
                "-thread", "1");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("1 bad line(s): line 2: no label"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(Files.exists(dir.resolve("m.bin")));
    }

    @Test
    void labelsTheModelWouldRefuseAreBadLinesOfTheTrainingFile(@TempDir Path dir) throws IOException {
        Path train = dir.resolve("train.txt");
        Files.write(train, List.of("__label__a fine", "__label__bell\u0007 rings", "__label__ empty name", "__label__b ok"));
        Run r = run("", "supervised", "-input", train.toString(), "-output", dir.resolve("m").toString(), "-badLines", "fail",
                "-thread", "1");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("2 bad line(s): line 2: bad label '__label__bell\\u0007': it contains the control character U+0007"),
                r.err());
        assertTrue(r.err().contains("line 3: bad label '__label__': the label is empty"), r.err());
        assertFalse(Files.exists(dir.resolve("m.bin")));
    }

    @Test
    void mistakesGiveOneClearMessageAndStatusOne(@TempDir Path dir) {
        Run r = run("", "supervised", "-input", "x");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("-input and -output are required") && r.err().contains("usage: kindling supervised"), r.err());
        r = run("", "supervised", "-input", "x", "-output", "y", "-loss", "nce");
        assertTrue(r.err().contains("unsupported -loss 'nce'"), r.err());
        r = run("", "supervised", "-input", "x", "-output", "y", "-tree", "random");
        assertTrue(r.err().contains("unsupported -tree 'random': use semantic or huffman"), r.err());
        r = run("", "supervised", "-input", "x", "-output", "y", "-dim", "ten");
        assertTrue(r.err().contains("-dim must be an integer, got 'ten'"), r.err());
        r = run("", "supervised", "-input", "x", "-output", "y", "-bogus", "1");
        assertTrue(r.err().contains("unknown flag -bogus"), r.err());
        r = run("", "supervised", "-input", dir.resolve("missing.txt").toString(), "-output", "y");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("file not found") && r.err().contains("missing.txt"), r.err());
        r = run("", "test", dir.resolve("missing.bin").toString(), "t.txt");
        assertTrue(r.err().contains("file not found"), r.err());
        r = run("", "frobnicate");
        assertTrue(r.err().contains("unknown command 'frobnicate'"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void numbersArePrintedLikeCppStreams() {
        assertEquals("0.667", CNumber.significant(2 / 3.0, 3));
        assertEquals("1", CNumber.significant(1.0, 3));
        assertEquals("0.5", CNumber.significant(0.5, 3));
        assertEquals("0.0123", CNumber.significant(0.012345, 3));
        assertEquals("1.23e-05", CNumber.significant(0.0000123, 3));
        assertEquals("0.500012", CNumber.significant(0.5000123, 6));
        assertEquals("0", CNumber.significant(0, 3));
    }
}
