package dev.kindling.core.text;

/**
 * What a text to learn from or to classify may be, and what a word of the model may be: the one rule
 * used by the model when it adds words ({@link Dictionary#addWords}) and by every entry point before
 * anything is stored.
 *
 * <p>A text needs something visible to learn from; it must be valid Unicode (an unpaired surrogate
 * changes when the text is logged as UTF-8, so a replayed example would differ from the one
 * acknowledged); and none of its words may be longer than the model file can store.
 */
public final class TextRules {

    /** Longest text, in UTF-16 characters. */
    public static final int MAX_CHARS = 100_000;

    /** Longest word: the model file stores a word in at most 65,535 bytes of modified UTF-8, 3 bytes a character at worst. */
    public static final int MAX_WORD_CHARS = 65_535 / 3;

    /** What a text must look like, for messages. */
    public static final String EXPECTED = "expected valid Unicode text of at most " + MAX_CHARS
            + " characters with some visible characters, and words of at most " + MAX_WORD_CHARS + " characters";

    private TextRules() {
    }

    /** Why {@code text} cannot be learned from or classified, or null when it can. */
    public static String problem(String text) {
        if (text == null) {
            return "the text is missing";
        }
        if (text.length() > MAX_CHARS) {
            return "the text has " + text.length() + " characters";
        }
        int unpaired = CharacterClasses.unpairedSurrogate(text);
        if (unpaired >= 0) {
            return "it contains an unpaired surrogate " + CharacterClasses.codeOf(text, unpaired) + " at index " + unpaired;
        }
        if (!hasVisibleCharacter(text)) {
            return "the text is blank (only whitespace, control or formatting characters)";
        }
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean end = i == text.length() || Tokenizer.isSeparator(text.charAt(i));
            if (!end && start < 0) {
                start = i;
            } else if (end && start >= 0) {
                if (i - start > MAX_WORD_CHARS) {
                    return "it has a word of " + (i - start) + " characters at index " + start;
                }
                start = -1;
            }
        }
        return null;
    }

    /** Fails with a message saying what is wrong with {@code text} and what a text must be. */
    public static void check(String text) {
        String p = problem(text);
        if (p != null) {
            throw new IllegalArgumentException("bad text " + Printable.quote(text) + ": " + p + "; " + EXPECTED);
        }
    }

    /** Why {@code word} cannot be a word of a model with label prefix {@code labelPrefix}, or null when it can. */
    public static String wordProblem(String word, String labelPrefix) {
        if (word == null || word.isEmpty()) {
            return "the word is empty";
        }
        if (word.startsWith(labelPrefix)) {
            return "it starts with the label prefix '" + labelPrefix + "'";
        }
        if (word.length() > MAX_WORD_CHARS) {
            return "the word has " + word.length() + " characters; the limit is " + MAX_WORD_CHARS;
        }
        for (int i = 0; i < word.length(); i++) {
            if (Tokenizer.isSeparator(word.charAt(i))) {
                return "it contains the separator " + CharacterClasses.codeOf(word, i) + " at index " + i;
            }
        }
        int unpaired = CharacterClasses.unpairedSurrogate(word);
        if (unpaired >= 0) {
            return "it contains an unpaired surrogate " + CharacterClasses.codeOf(word, unpaired) + " at index " + unpaired;
        }
        return null;
    }

    /** Whether some character of {@code text} is neither whitespace, a control nor a formatting character. */
    public static boolean hasVisibleCharacter(String text) {
        return text.codePoints().anyMatch(cp -> !CharacterClasses.isInvisible(cp));
    }
}
