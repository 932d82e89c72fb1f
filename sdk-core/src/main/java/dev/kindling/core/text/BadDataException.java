package dev.kindling.core.text;

import java.util.List;

/** Training data rejected because of bad lines (policy {@link BadLinePolicy#FAIL}); the message lists the first ones. */
public final class BadDataException extends RuntimeException {

    private final List<BadLine> badLines;

    public BadDataException(String file, List<BadLine> badLines) {
        super(file + " has " + badLines.size() + " bad line(s): "
                + String.join("; ", badLines.stream().limit(10).map(BadLine::toString).toList())
                + (badLines.size() > 10 ? "; …" : ""));
        this.badLines = List.copyOf(badLines);
    }

    public List<BadLine> badLines() {
        return badLines;
    }
}
