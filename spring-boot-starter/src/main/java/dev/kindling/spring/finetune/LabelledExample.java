package dev.kindling.spring.finetune;

import java.util.List;

/**
 * A text and the labels it should get (without the label prefix); a label the model has not seen is
 * added to it when the example is trained.
 */
public record LabelledExample(String text, List<String> labels) {

    /** Longest accepted text, in characters. */
    public static final int MAX_TEXT_CHARS = 100_000;
    /** Longest accepted label, in characters. */
    public static final int MAX_LABEL_CHARS = 200;

    public LabelledExample {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("example text is empty; expected some words to learn from");
        }
        if (text.length() > MAX_TEXT_CHARS) {
            throw new IllegalArgumentException("example text has " + text.length() + " characters; the limit is " + MAX_TEXT_CHARS);
        }
        if (labels == null || labels.isEmpty()) {
            throw new IllegalArgumentException("example has no label; expected at least one");
        }
        for (String l : labels) {
            if (l == null || l.isBlank() || l.length() > MAX_LABEL_CHARS || l.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("bad label '" + l + "': labels are 1-" + MAX_LABEL_CHARS
                        + " characters without whitespace");
            }
        }
        labels = List.copyOf(labels);
    }

    public static LabelledExample of(String text, String label) {
        return new LabelledExample(text, List.of(label));
    }
}
