package dev.kindling.bench.serving;

import dev.kindling.core.text.Tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** WordNet 3.1 noun and verb synsets as labelled texts (the sample's default model's task), for the serving benchmarks. */
final class WordNetSynsets {

    private static final String ROOT = "net/sf/extjwnl/data/wordnet/wn31/";

    private WordNetSynsets() {
    }

    /** Noun and verb synsets: {hypernym label, words and gloss}. */
    static List<String[]> load() throws IOException {
        List<String[]> out = new ArrayList<>();
        for (String pos : new String[]{"noun", "verb"}) {
            try (InputStream in = WordNetSynsets.class.getClassLoader().getResourceAsStream(ROOT + "data." + pos)) {
                if (in == null) {
                    throw new IOException("WordNet data file " + ROOT + "data." + pos + " not on the class path");
                }
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line; (line = r.readLine()) != null; ) {
                    int bar = line.indexOf(" | ");
                    if (line.startsWith("  ") || bar < 0) {
                        continue;
                    }
                    String[] f = line.substring(0, bar).split(" ");
                    int words = Integer.parseInt(f[3], 16);
                    StringBuilder text = new StringBuilder();
                    for (int w = 0; w < words; w++) {
                        text.append(f[4 + 2 * w].replace('_', ' ')).append(' ');
                    }
                    int at = 4 + 2 * words;
                    int pointers = Integer.parseInt(f[at]);
                    String hypernym = null;
                    for (int p = 0; p < pointers && hypernym == null; p++) {
                        String symbol = f[at + 1 + 4 * p];
                        if (symbol.equals("@") || symbol.equals("@i")) {
                            hypernym = pos.charAt(0) + f[at + 2 + 4 * p];
                        }
                    }
                    text.append(line.substring(bar + 3));
                    String clean = String.join(" ", Tokenizer.tokens(text.toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z ]", " ")));
                    if (hypernym != null && !clean.isBlank()) {
                        out.add(new String[]{hypernym, clean});
                    }
                }
            }
        }
        return out;
    }
}
