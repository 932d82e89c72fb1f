package dev.kindling.core.data.wordnet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses WordNet's {@code data.noun}/{@code data.verb}/{@code data.adj}/{@code data.adv} files (format of
 * wndb(5WN): {@code offset lex_filenum ss_type w_cnt(hex) [word lex_id]… p_cnt [symbol offset pos
 * source/target]… [frames] | gloss}). License header lines (starting with spaces) are skipped.
 */
public final class WordNetReader {

    private WordNetReader() {
    }

    /** All synsets of one data file, e.g. {@code "data.noun"}. */
    public static List<Synset> read(WordNetSource source, String dataFile) throws IOException {
        try (InputStream in = source.open(dataFile);
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<Synset> out = new ArrayList<>();
            String line;
            long number = 0;
            while ((line = r.readLine()) != null) {
                number++;
                if (line.isEmpty() || line.startsWith(" ")) {
                    continue;
                }
                try {
                    out.add(parse(line));
                } catch (RuntimeException e) {
                    throw new IOException(dataFile + " line " + number + " is not a WordNet synset line: " + e.getMessage(), e);
                }
            }
            return out;
        }
    }

    static Synset parse(String line) {
        int bar = line.indexOf(" | ");
        String head = bar >= 0 ? line.substring(0, bar) : line;
        String gloss = bar >= 0 ? line.substring(bar + 3).trim() : "";
        String[] f = head.trim().split(" +");
        int i = 0;
        long offset = Long.parseLong(f[i++]);
        i++; // lexicographer file number
        char pos = f[i++].charAt(0);
        int wordCount = Integer.parseInt(f[i++], 16);
        List<String> words = new ArrayList<>(wordCount);
        for (int w = 0; w < wordCount; w++) {
            String word = f[i++];
            int paren = word.indexOf('(');   // adjective markers such as (a), (p), (ip)
            words.add(paren > 0 ? word.substring(0, paren) : word);
            i++; // lex_id
        }
        int pointerCount = Integer.parseInt(f[i++]);
        List<Synset.Pointer> pointers = new ArrayList<>(pointerCount);
        for (int p = 0; p < pointerCount; p++) {
            String symbol = f[i++];
            long target = Long.parseLong(f[i++]);
            char targetPos = f[i++].charAt(0);
            i++; // source/target word numbers
            pointers.add(new Synset.Pointer(symbol, target, targetPos));
        }
        return new Synset(offset, pos, List.copyOf(words), List.copyOf(pointers), gloss);
    }
}
