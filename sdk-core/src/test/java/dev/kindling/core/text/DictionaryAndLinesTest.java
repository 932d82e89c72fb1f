package dev.kindling.core.text;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DictionaryAndLinesTest {

    @Test
    void tokenizerSplitsOnFastTextSeparatorsAndAddsEos() {
        assertEquals(List.of("a", "b", "c", "</s>"), Tokenizer.tokens(" a\tb\u000Bc\r"));
        assertEquals(List.of("</s>"), Tokenizer.tokens(""));
    }

    @Test
    void dictionaryCountsPrunesAndMapsRows() {
        List<List<String>> lines = List.of(Tokenizer.tokens("__label__x a b a"), Tokenizer.tokens("__label__y a c"),
                Tokenizer.tokens("__label__x b"));
        Dictionary d = Dictionary.build(lines, "__label__", 2, 0, 100, 2);
        assertEquals(List.of("</s>", "a", "b"), List.of(d.word(0), d.word(1), d.word(2)));   // count order, ties by string; c pruned
        assertEquals("__label__x", d.label(0));
        assertEquals(100 + 3, d.inputRows());
        int[] rows = d.inputRows(Tokenizer.tokens("__label__x a c b"), false);
        // words a, b and </s> (rows after the buckets), then 3 bigrams a-c, c-b, b-</s> (c is unknown but hashed)
        assertEquals(6, rows.length);
        assertArrayEquals(new int[]{101, 102, 100}, java.util.Arrays.copyOf(rows, 3));
        for (int i = 3; i < 6; i++) {
            assertTrue(rows[i] >= 0 && rows[i] < 100);
        }
        assertArrayEquals(new int[]{0, -1}, d.labelIds(Tokenizer.tokens("__label__x __label__zzz a")));
        Dictionary unigrams = Dictionary.build(lines, "__label__", 1, 0, 100, 1);
        assertEquals(0, unigrams.buckets());   // as fastText: no buckets without word n-grams
    }

    @Test
    void ngramHashIsStableFnv1a() {
        assertEquals(0x811c9dc5L, TextHashing.hash(""));
        assertEquals(0xe40c292cL, TextHashing.hash("a"));
    }

    @Test
    void badLinesAreReportedWithNumbers() throws IOException {
        byte[] data = ("__label__a good line\n"
                + "\n"
                + "no label here\n"
                + "__label__a __label__b\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] bad = {'_', '_', 'l', 'a', 'b', 'e', 'l', '_', '_', 'a', ' ', (byte) 0xC3, (byte) 0x28, '\n'};
        byte[] all = new byte[data.length + bad.length + 10];
        System.arraycopy(data, 0, all, 0, data.length);
        System.arraycopy(bad, 0, all, data.length, bad.length);
        System.arraycopy("   \t\n__l x".getBytes(), 0, all, data.length + bad.length, 10);
        LabelledLines.Result r = LabelledLines.read(new ByteArrayInputStream(all), "__label__");
        assertEquals(1, r.lines().size());
        assertEquals(List.of("line 2: empty line", "line 3: no label (no token starts with __label__)",
                        "line 4: labels but no text", "line 5: invalid UTF-8", "line 6: empty line",
                        "line 7: no label (no token starts with __label__)"),
                r.badLines().stream().map(BadLine::toString).toList());
    }
}
