package dev.kindling.core.io;

/**
 * Whether loading a memory-mapped table verifies its checksum. {@link #VERIFY} (the default) reads every
 * page of the table once at load, from disk or the page cache, at about the speed of a sequential read;
 * {@link #SKIP} leaves the table unverified so that loading touches none of its pages (rows are paged in,
 * unchecked, as they are read), for tables much larger than memory. Headers and copied tables are always verified.
 */
public enum MappedVerification {
    VERIFY, SKIP
}
