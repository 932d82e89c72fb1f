package dev.kindling.core.text;

/**
 * What a label name (a label without the model's prefix) may be: the one rule used by the model when
 * it adds a label ({@link Dictionary#addLabels}) and by every entry point that accepts labels before
 * anything is stored, so an accepted label is one the model can always add.
 *
 * <p>fastText splits lines on whitespace and control characters, so a label holding one could not be
 * written to or read back from training data; invisible formatting characters would make labels that
 * look the same differ; an unpaired surrogate is not Unicode and changes when stored as UTF-8.
 */
public final class LabelRules {

    /** Longest label name, in UTF-16 characters. */
    public static final int MAX_CHARS = 200;

    /**
     * Most labels one example (a feedback request, a line of training data) may carry. A bound on what one request
     * can make the model add, and within what the log's record format can count (an unsigned short).
     */
    public static final int MAX_LABELS_PER_EXAMPLE = 1000;

    /** What a label must look like, for messages. */
    public static final String EXPECTED = "expected 1-" + MAX_CHARS
            + " characters without whitespace, control characters, invisible formatting characters or unpaired surrogates";

    private LabelRules() {
    }

    /** Why {@code name} can never be a label, or null when it can. */
    public static String problem(String name) {
        if (name == null) {
            return "the label is missing";
        }
        if (name.isEmpty()) {
            return "the label is empty";
        }
        if (name.length() > MAX_CHARS) {
            return "the label has " + name.length() + " characters";
        }
        int unpaired = CharacterClasses.unpairedSurrogate(name);
        if (unpaired >= 0) {
            return "it contains an unpaired surrogate " + CharacterClasses.codeOf(name, unpaired) + " at index " + unpaired;
        }
        for (int i = 0; i < name.length(); i += Character.charCount(name.codePointAt(i))) {
            int cp = name.codePointAt(i);
            String kind = CharacterClasses.isControl(cp) ? "control character"
                    : CharacterClasses.isWhitespace(cp) ? "whitespace character"
                    : CharacterClasses.isFormat(cp) ? "invisible formatting character" : null;
            if (kind != null) {
                return "it contains the " + kind + " " + CharacterClasses.codeOf(name, i) + " at index " + i;
            }
        }
        return null;
    }

    /** Fails with a message saying what is wrong with {@code name} and what a label must be. */
    public static void check(String name) {
        String p = problem(name);
        if (p != null) {
            throw new IllegalArgumentException("bad label " + Printable.quote(name) + ": " + p + "; " + EXPECTED);
        }
    }
}
