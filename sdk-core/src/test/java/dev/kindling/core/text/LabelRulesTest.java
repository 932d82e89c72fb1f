package dev.kindling.core.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The label rule is one: whatever the front door refuses the model refuses with the same reason, and
 * whatever it accepts the model can add (so an acknowledged example can always be applied).
 */
class LabelRulesTest {

    private static final TrainingArgs ARGS = TrainingArgs.defaults().withDim(8).withEpoch(2).withThread(1).withBucket(100).withVerbose(0);

    private static TextClassifier model() {
        return SupervisedTrainer.train(TextTestData.parsed(TextTestData.lines(3, 5, 1)), ARGS, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"my\u0000label", "a\u0001b", "tab\tx", "new\nline", "del\u007Fx", "nel\u0085x", "c1\u009Fx",
            "line\u2028sep", "para\u2029sep", "no\u00A0break", "ideographic\u3000space", "two words", "zero\u200Bwidth",
            "bidi\u202Eoverride", "\uFEFFbom", "high\uD800alone", "low\uDC00alone", ""})
    void theModelRefusesExactlyWhatTheRuleRefusesWithTheSameReason(String name) {
        String problem = LabelRules.problem(name);
        assertNotNull(problem, Printable.quote(name));
        TextClassifier m = model();
        int labels = m.dictionary().labelCount();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.addLabels(List.of("__label__" + name)));
        assertTrue(e.getMessage().contains(problem), e.getMessage() + " / " + problem);
        assertEquals(labels, m.dictionary().labelCount(), "nothing added");
        IllegalArgumentException front = assertThrows(IllegalArgumentException.class, () -> LabelRules.check(name));
        assertTrue(front.getMessage().contains(problem) && front.getMessage().contains(LabelRules.EXPECTED), front.getMessage());
    }

    @Test
    void tooLongLabelsAreRefusedByBoth() {
        String name = "x".repeat(LabelRules.MAX_CHARS + 1);
        assertEquals("the label has 201 characters", LabelRules.problem(name));
        assertThrows(IllegalArgumentException.class, () -> model().addLabels(List.of("__label__" + name)));
    }

    @Test
    void ordinaryLabelsAreAcceptedByBoth() {
        TextClassifier m = model();
        for (String name : List.of("dog.n02084071", "späti", "日本語", "emoji😀", "a-b_c:d/e", "x".repeat(LabelRules.MAX_CHARS))) {
            assertNull(LabelRules.problem(name), name);
            LabelRules.check(name);
            assertTrue(m.addLabels(List.of("__label__" + name))[0] >= 3, name);
        }
    }

    @Test
    void everyCharacterFastTextSplitsOnIsRefused() {
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            if (Tokenizer.isSeparator(c)) {
                assertNotNull(LabelRules.problem("a" + c + "b"), "separator U+" + Integer.toHexString(c));
            }
        }
    }

    @Test
    void everyControlAndSpaceCharacterIsRefused() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            int type = Character.getType(cp);
            boolean invisible = type == Character.CONTROL || type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.FORMAT;
            if (invisible) {
                assertNotNull(LabelRules.problem("a" + Character.toString(cp) + "b"), "U+" + Integer.toHexString(cp));
            }
        }
    }

    @Test
    void messagesShowInvisibleCharactersEscaped() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabelRules.check("my\u0000label"));
        assertTrue(e.getMessage().startsWith("bad label 'my\\u0000label': it contains the control character U+0000 at index 2"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\u0000"));
    }
}
