package dev.kindling.spring.config;

import dev.kindling.core.serving.model.RequestLimits;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** {@code kindling.request-limits.*}: request sizes the engine accepts for classification and feedback (beyond them: 413). */
@Validated
@ConfigurationProperties(prefix = "kindling.request-limits", ignoreUnknownFields = false)
public class RequestLimitsProperties {

    /** Most texts in one classification request. */
    @Min(1)
    private int maxTexts = RequestLimits.DEFAULT.maxTexts();

    /** Longest text to classify or learn from, in characters. */
    @Min(1)
    private int maxTextChars = RequestLimits.DEFAULT.maxTextChars();

    public int getMaxTexts() {
        return maxTexts;
    }

    public void setMaxTexts(int maxTexts) {
        this.maxTexts = maxTexts;
    }

    public int getMaxTextChars() {
        return maxTextChars;
    }

    public void setMaxTextChars(int maxTextChars) {
        this.maxTextChars = maxTextChars;
    }

    /** The engine's limits; a value the engine refuses is reported as this property's. */
    public RequestLimits toLimits() {
        try {
            return new RequestLimits(maxTexts, maxTextChars);
        } catch (IllegalArgumentException e) {
            throw new InvalidKindlingPropertyException("kindling.request-limits", null, e.getMessage(),
                    "Set kindling.request-limits.max-texts and max-text-chars within the limits named above.");
        }
    }
}
