package dev.kindling.core.text;

/** A line of a data file that cannot be used, with its 1-based number and why. */
public record BadLine(long lineNumber, String reason) {

    @Override
    public String toString() {
        return "line " + lineNumber + ": " + reason;
    }
}
