package dev.kindling.core.text;

/**
 * Where a loaded model keeps its input (embedding) table: on the Java heap; in native memory (no heap
 * limit, no GC scanning); or memory-mapped copy-on-write from the model file (rows are paged in as they
 * are read, so a table larger than RAM can serve its hot rows; updates stay in memory).
 */
public enum TablePlacement {
    HEAP, OFF_HEAP, MAPPED
}
