package dev.kindling.core.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Texts and words: what every entry point refuses is what the model could not learn from, store or replay. */
class TextRulesTest {

    private static final TrainingArgs ARGS = TrainingArgs.defaults().withDim(8).withEpoch(2).withThread(1).withBucket(100).withVerbose(0);

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\u0000\u0000", "\t\n", "\u200B", "\u2028\u3000", "\uFEFF "})
    void textsWithNothingVisibleAreBlank(String text) {
        assertTrue(TextRules.problem(text).startsWith("the text is blank"), Printable.quote(text));
    }

    @Test
    void unpairedSurrogatesAreRefusedBecauseUtf8WouldChangeThem() {
        String text = "broken \uD83D pair";
        assertNotEquals(text, new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        assertEquals("it contains an unpaired surrogate U+D83D at index 7", TextRules.problem(text));
        assertNull(TextRules.problem("paired \uD83D\uDE00 emoji"));
    }

    @Test
    void tooLongTextsAndWordsAreRefused() {
        assertEquals("the text has 100001 characters", TextRules.problem("a ".repeat(50_000) + "b"));
        String word = "w".repeat(TextRules.MAX_WORD_CHARS + 1);
        assertEquals("it has a word of " + word.length() + " characters at index 4", TextRules.problem("the " + word + " end"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextRules.check("the " + word));
        assertTrue(e.getMessage().contains(TextRules.EXPECTED), e.getMessage());
    }

    @Test
    void theModelRefusesTheWordsTheRuleRefuses() {
        TextClassifier m = SupervisedTrainer.train(TextTestData.parsed(TextTestData.lines(3, 5, 1)), ARGS, null);
        int words = m.dictionary().wordCount();
        for (String w : List.of("w".repeat(TextRules.MAX_WORD_CHARS + 1), "half\uDC00", "__label__x", "two words", "")) {
            String problem = TextRules.wordProblem(w, "__label__");
            assertNotNull(problem, Printable.quote(w));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.addWords(List.of("fine", w)));
            assertTrue(e.getMessage().contains(problem), e.getMessage());
        }
        assertEquals(words, m.dictionary().wordCount(), "a refused batch adds no word");
    }

    @Test
    void theLongestWordTheRuleAcceptsIsOneTheModelFileStores(@TempDir Path dir) throws IOException {
        TextClassifier m = SupervisedTrainer.train(TextTestData.parsed(TextTestData.lines(3, 5, 1)), ARGS, null);
        String longest = "語".repeat(TextRules.MAX_WORD_CHARS);   // 3 bytes a character in (modified) UTF-8
        assertNull(TextRules.problem("a " + longest));
        m.addWords(List.of(longest));
        Path file = dir.resolve("m.bin");
        m.save(file);
        assertTrue(TextClassifier.load(file).dictionary().wordId(longest) >= 0);
    }

    @Test
    void aBatchWithALabelTheModelRefusesChangesNothing() {
        TextClassifier m = SupervisedTrainer.train(TextTestData.parsed(TextTestData.lines(3, 5, 1)), ARGS, null);
        int labels = m.dictionary().labelCount();
        int words = m.dictionary().wordCount();
        assertThrows(IllegalArgumentException.class, () -> OnlineTrainer.train(m, List.of(List.of("fresh", "words"), List.of("more")),
                List.of(List.of("__label__good"), List.of("__label__my\u0000label")), 0.1f));
        assertEquals(labels, m.dictionary().labelCount());
        assertEquals(words, m.dictionary().wordCount());
    }

    @Test
    void trainingDataLinesWithLabelsOrWordsTheModelRefusesAreBadLines() throws IOException {
        String data = "__label__ok fine text\n"
                + "__label__a\u0001b some text\n"
                + "__label__ empty label name\n"
                + "__label__x\u2028y line separator\n"
                + "__label__ok \u200B\n"
                + "__label__ok " + "w".repeat(TextRules.MAX_WORD_CHARS + 1) + "\n";
        LabelledLines.Result r = LabelledLines.read(new ByteArrayInputStream(data.getBytes(StandardCharsets.UTF_8)), "__label__");
        assertEquals(1, r.lines().size());
        List<String> bad = r.badLines().stream().map(BadLine::toString).toList();
        assertEquals(5, bad.size(), bad.toString());
        assertTrue(bad.get(0).startsWith("line 2: bad label '__label__a\\u0001b': it contains the control character U+0001"), bad.get(0));
        assertTrue(bad.get(1).startsWith("line 3: bad label '__label__': the label is empty"), bad.get(1));
        assertTrue(bad.get(2).startsWith("line 4: bad label '__label__x\\u2028y': it contains the whitespace character U+2028"), bad.get(2));
        assertEquals("line 5: no visible text besides the labels", bad.get(3));
        assertTrue(bad.get(4).startsWith("line 6: bad word 'www"), bad.get(4));
    }

    private static void assertNotEquals(String a, String b) {
        assertTrue(!a.equals(b), "expected a difference");
    }
}
