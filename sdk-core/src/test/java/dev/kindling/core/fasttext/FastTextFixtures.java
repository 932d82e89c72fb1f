package dev.kindling.core.fasttext;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fastText 0.9.2 fixtures (models and what fastText printed for them) under test resources
 * {@code fasttext/}, made by {@code benchmarks/scripts/make-fasttext-fixtures.sh}.
 */
final class FastTextFixtures {

    private FastTextFixtures() {
    }

    static Path file(String name) {
        try {
            var url = FastTextFixtures.class.getResource("/fasttext/" + name);
            if (url == null) {
                throw new IllegalStateException("missing test resource fasttext/" + name);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> lines(String name) throws IOException {
        return Files.readAllLines(file(name), StandardCharsets.UTF_8);
    }

    /** One label and the probability fastText printed for it. */
    record Scored(String label, double probability) {
    }

    /** Parses a line of {@code predict-prob} output: label, probability, label, probability, … */
    static List<Scored> parsePredictions(String line) {
        List<Scored> out = new ArrayList<>();
        String[] t = line.isBlank() ? new String[0] : line.trim().split(" ");
        for (int i = 0; i + 1 < t.length; i += 2) {
            out.add(new Scored(t[i], Double.parseDouble(t[i + 1])));
        }
        return out;
    }

    /** Whether the real fastText binary is on the PATH. */
    static boolean fastTextInstalled() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "fasttext"))) {
                return true;
            }
        }
        return false;
    }
}
