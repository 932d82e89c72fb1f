package dev.kindling.core.serving.model;

import dev.kindling.core.text.LabelRules;
import dev.kindling.core.text.TextRules;
import dev.kindling.core.text.Tokenizer;

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
            if (labels.size() > LabelRules.MAX_LABELS_PER_EXAMPLE) {
                throw new InvalidInputException("example has " + labels.size() + " labels; the limit is "
                        + LabelRules.MAX_LABELS_PER_EXAMPLE);
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

    /**
     * The example of a line of fastText-format data ({@link dev.kindling.core.text.LabelledLines}): tokens starting with
     * {@code labelPrefix} are its labels (without the prefix), the others its text. The line's last token is the
     * end-of-line marker; a word that merely reads like it ({@code </s>} in the data) stays text.
     */
    public static LabelledExample fromTokens(List<String> tokens, String labelPrefix) {
        int end = !tokens.isEmpty() && tokens.getLast().equals(Tokenizer.EOS) ? tokens.size() - 1 : tokens.size();
        List<String> labels = new java.util.ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (String t : tokens.subList(0, end)) {
            if (t.startsWith(labelPrefix)) {
                labels.add(t.substring(labelPrefix.length()));
            } else {
                text.append(text.isEmpty() ? "" : " ").append(t);
            }
        }
        return new LabelledExample(text.toString(), labels);
    }
}
