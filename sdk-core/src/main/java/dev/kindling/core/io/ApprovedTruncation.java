package dev.kindling.core.io;

/**
 * An operator's explicit approval to cut a damaged write-ahead log at one damaged record: the segment
 * is truncated at {@code offset} and any later segments are moved aside, so every record from there on
 * is dropped from the log (the untouched copies stay in the log's {@code damaged/} folder). It applies only
 * when the log finds its first damage exactly there; otherwise opening the log fails as without it.
 *
 * @param segment the segment's file name, e.g. {@code wal-00000000000000000001.log}
 * @param offset  the byte offset of the damaged record, as the corruption error reported it
 */
public record ApprovedTruncation(String segment, long offset) {

    public ApprovedTruncation {
        if (segment == null || !WriteAheadLog.isSegmentName(segment) || offset < 0) {
            throw new IllegalArgumentException("a write-ahead-log truncation needs a segment file name (wal-<20 digits>.log) and an offset >= 0,"
                    + " got " + segment + ":" + offset);
        }
    }

    /** Parses {@code <segment file name>:<offset>}, the form corruption errors print. */
    public static ApprovedTruncation parse(String value) {
        int colon = value == null ? -1 : value.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("a write-ahead-log truncation must read <segment file>:<offset>, e.g. "
                    + "wal-00000000000000000001.log:355000; got '" + value + "'");
        }
        try {
            return new ApprovedTruncation(value.substring(0, colon).trim(), Long.parseLong(value.substring(colon + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the offset of write-ahead-log truncation '" + value + "' is not a number", e);
        }
    }

    @Override
    public String toString() {
        return segment + ":" + offset;
    }
}
