package dev.kindling.core.text;

/** What to do with unusable lines in training data: report and skip them, or reject the whole file. */
public enum BadLinePolicy {
    SKIP, FAIL;

    public static BadLinePolicy parse(String s) {
        return switch (s) {
            case "skip" -> SKIP;
            case "fail" -> FAIL;
            default -> throw new IllegalArgumentException("-badLines must be skip or fail, got '" + s + "'");
        };
    }
}
