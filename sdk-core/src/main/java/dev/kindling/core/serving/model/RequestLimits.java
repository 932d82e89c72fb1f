package dev.kindling.core.serving.model;

import dev.kindling.core.text.TextRules;

/**
 * The one place for request-size limits, applied by the engine to every entry point: how many texts one
 * classification may carry and how long a text (classified or learned from) may be. Beyond them a request is
 * refused as too large (HTTP 413 in a web service) before any work is done.
 *
 * @param maxTexts     most texts in one classification call
 * @param maxTextChars longest text, in characters (at most {@link TextRules#MAX_CHARS}, what the model can store)
 */
public record RequestLimits(int maxTexts, int maxTextChars) {

    /** 1,000 texts a call; texts up to the model's own limit. */
    public static final RequestLimits DEFAULT = new RequestLimits(1000, TextRules.MAX_CHARS);

    public RequestLimits {
        if (maxTexts < 1) {
            throw new IllegalArgumentException("max-texts must be at least 1, got " + maxTexts);
        }
        if (maxTextChars < 1 || maxTextChars > TextRules.MAX_CHARS) {
            throw new IllegalArgumentException("max-text-chars must be between 1 and " + TextRules.MAX_CHARS + ", got " + maxTextChars);
        }
    }
}
