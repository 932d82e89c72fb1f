package dev.kindling.core.serving.model;

import dev.kindling.core.text.LabelRules;
import dev.kindling.core.text.TextRules;

import java.util.List;

/**
 * A text and the labels it should get (without the label prefix); a label the model has not seen is
 * added to it when the example is trained. Built only from a text and labels the model accepts
 * ({@link TextRules}, {@link LabelRules}: the rules the model itself applies), so an example that was
 * logged and acknowledged can always be applied.
 */
public record LabelledExample(String text, List<String> labels) {

    /** Longest accepted text, in characters. */
    public static final int MAX_TEXT_CHARS = TextRules.MAX_CHARS;
    /** Longest accepted label, in characters. */
    public static final int MAX_LABEL_CHARS = LabelRules.MAX_CHARS;

    /** @throws InvalidInputException when the text or a label breaks the rules the model applies */
    public LabelledExample {
        try {
            TextRules.check(text);
            if (labels == null || labels.isEmpty()) {
                throw new InvalidInputException("example has no label; expected at least one");
            }
            labels.forEach(LabelRules::check);
        } catch (IllegalArgumentException e) {
            throw InvalidInputException.of(e);
        }
        labels = List.copyOf(labels);
    }

    public static LabelledExample of(String text, String label) {
        return new LabelledExample(text, List.of(label));
    }
}
