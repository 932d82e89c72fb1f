package dev.kindling.core.serving.model;

import dev.kindling.core.text.TextClassifier;

/**
 * Decides whether the learned copy of a model may replace the copy being served (a validation gate). Called under
 * the lock that excludes updates, so neither copy changes while it reads them; it must not modify either.
 */
@FunctionalInterface
public interface PromotionCheck {

    /** Whether {@code candidate} (the learned copy, at {@code candidateVersion}) may be served instead of {@code served}. */
    boolean admits(TextClassifier candidate, long candidateVersion, TextClassifier served, long servedVersion);
}
