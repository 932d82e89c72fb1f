package dev.kindling.core.serving.model;

import dev.kindling.core.text.InputRows;

/**
 * A cache of a served model's input rows (e.g. a Caffeine cache in the Spring starter) that classification
 * reads through; the model tells it which rows an update changed, and to forget everything on a swap.
 */
public interface RowCache extends InputRows {

    /** Refreshes the cached copies of rows that fine-tuning changed (uncached rows stay uncached). */
    void rowsUpdated(int[] rows);

    /** Forgets every cached row (the table was replaced). */
    void invalidateAll();
}
