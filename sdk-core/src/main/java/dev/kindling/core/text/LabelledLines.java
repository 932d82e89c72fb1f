package dev.kindling.core.text;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads fastText-format data ({@code __label__X} tokens anywhere on a line, several allowed, the rest is
 * text) and sorts out unusable lines: invalid UTF-8, empty or blank, no label, labels but no text, or a
 * label or word the model would refuse ({@link LabelRules}, {@link TextRules#wordProblem}).
 * Each bad line is reported with its number; content never causes an exception.
 */
public final class LabelledLines {

    /** One usable line: its tokens (labels included, {@link Tokenizer#EOS} last) and its 1-based number. */
    public record Line(long number, List<String> tokens) {
    }

    /** What reading produced; {@code tokenCount} counts the tokens of the usable lines. */
    public record Result(List<Line> lines, List<BadLine> badLines, long tokenCount) {
    }

    private LabelledLines() {
    }

    /** Reads all lines of labelled data. */
    public static Result read(InputStream in, String labelPrefix) throws IOException {
        Utf8Lines reader = new Utf8Lines(in);
        List<Line> lines = new ArrayList<>();
        List<BadLine> bad = new ArrayList<>();
        long tokens = 0;
        for (Utf8Lines.Line l = reader.next(); l != null; l = reader.next()) {
            String problem = problem(l.text(), labelPrefix);
            if (problem != null) {
                bad.add(new BadLine(l.number(), problem));
                continue;
            }
            List<String> t = Tokenizer.tokens(l.text());
            lines.add(new Line(l.number(), t));
            tokens += t.size();
        }
        return new Result(lines, bad, tokens);
    }

    /** Why a line cannot be used for training (null when it can). */
    public static String problem(String text, String labelPrefix) {
        if (text == null) {
            return "invalid UTF-8";
        }
        List<String> tokens = Tokenizer.tokens(text);
        if (tokens.size() == 1) {
            return "empty line";
        }
        int labels = 0;
        for (String t : tokens) {
            if (t.startsWith(labelPrefix)) {
                labels++;
            }
        }
        if (labels == 0) {
            return "no label (no token starts with " + labelPrefix + ")";
        }
        if (labels == tokens.size() - 1) {
            return "labels but no text";
        }
        if (labels > LabelRules.MAX_LABELS_PER_EXAMPLE) {
            return labels + " labels; the limit is " + LabelRules.MAX_LABELS_PER_EXAMPLE + " per line";
        }
        // The rules the model applies when it adds a label or a word, so training never meets one it refuses.
        boolean visible = false;
        for (String t : tokens.subList(0, tokens.size() - 1)) {
            if (t.startsWith(labelPrefix)) {
                String problem = LabelRules.problem(t.substring(labelPrefix.length()));
                if (problem != null) {
                    return "bad label " + Printable.quote(t) + ": " + problem + "; " + LabelRules.EXPECTED;
                }
            } else {
                String problem = TextRules.wordProblem(t, labelPrefix);
                if (problem != null) {
                    return "bad word " + Printable.quote(t) + ": " + problem;
                }
                visible |= TextRules.hasVisibleCharacter(t);
            }
        }
        if (!visible) {
            return "no visible text besides the labels";
        }
        return null;
    }
}
