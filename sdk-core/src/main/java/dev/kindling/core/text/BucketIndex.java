package dev.kindling.core.text;

import java.util.Arrays;

/**
 * Which hash buckets have a row in the input table, and which: all of them in bucket order, or, for a
 * pruned model (fastText's {@code quantize -cutoff}), a chosen few, each with its own row; n-grams whose
 * bucket was pruned contribute nothing. The pruned map is an open-addressing table of ints, so a
 * million kept buckets cost 16 MB, not a million boxed map entries.
 */
public final class BucketIndex {

    private static final int EMPTY = -1;

    private final int buckets;
    private final int rows;
    // Pruned only: keys (bucket ids) and values (rows), open addressing with linear probing.
    private final int[] keys;
    private final int[] values;

    private BucketIndex(int buckets, int rows, int[] keys, int[] values) {
        this.buckets = buckets;
        this.rows = rows;
        this.keys = keys;
        this.values = values;
    }

    /** Every bucket of {@code [0, buckets)} has row {@code bucket}. */
    public static BucketIndex all(int buckets) {
        if (buckets < 0) {
            throw new IllegalArgumentException("bucket count must be >= 0, got " + buckets);
        }
        return new BucketIndex(buckets, buckets, null, null);
    }

    /**
     * Bucket {@code kept[i]} has row {@code rowOf[i]}; the rows must be exactly 0 … kept.length − 1 (each once)
     * and the buckets distinct and in {@code [0, buckets)}.
     */
    public static BucketIndex pruned(int buckets, int[] kept, int[] rowOf) {
        if (kept.length != rowOf.length) {
            throw new IllegalArgumentException("pruned bucket index: " + kept.length + " buckets but " + rowOf.length + " rows");
        }
        int capacity = Integer.highestOneBit(Math.max(4, kept.length * 2 - 1)) << 1;
        int[] keys = new int[capacity];
        int[] values = new int[capacity];
        Arrays.fill(keys, EMPTY);
        boolean[] rowSeen = new boolean[kept.length];
        for (int i = 0; i < kept.length; i++) {
            int b = kept[i], r = rowOf[i];
            if (b < 0 || b >= buckets) {
                throw new IllegalArgumentException("pruned bucket " + b + " is outside [0, " + buckets + ")");
            }
            if (r < 0 || r >= kept.length || rowSeen[r]) {
                throw new IllegalArgumentException("pruned bucket " + b + " has row " + r + "; rows must be 0.." + (kept.length - 1)
                        + ", each once");
            }
            rowSeen[r] = true;
            int slot = slot(keys, b);
            if (keys[slot] == b) {
                throw new IllegalArgumentException("bucket " + b + " is listed twice in the pruned bucket index");
            }
            keys[slot] = b;
            values[slot] = r;
        }
        return new BucketIndex(buckets, kept.length, keys, values);
    }

    private static int slot(int[] keys, int bucket) {
        int mask = keys.length - 1;
        int s = (bucket * 0x9E3779B9) >>> 1 & mask;
        while (keys[s] != EMPTY && keys[s] != bucket) {
            s = (s + 1) & mask;
        }
        return s;
    }

    /** The hash modulus: n-grams hash into {@code [0, buckets())}. */
    public int buckets() {
        return buckets;
    }

    /** How many buckets have a row. */
    public int rows() {
        return rows;
    }

    public boolean isPruned() {
        return keys != null;
    }

    /** The row (among the bucket rows) of a bucket, or −1 when the bucket was pruned. */
    public int row(int bucket) {
        if (keys == null) {
            return bucket;
        }
        int s = slot(keys, bucket);
        return keys[s] == bucket ? values[s] : -1;
    }

    /** For a pruned index: the bucket of each row ({@code result[row]}); for an unpruned one, the identity. */
    public int[] bucketOfRow() {
        int[] out = new int[rows];
        if (keys == null) {
            Arrays.setAll(out, i -> i);
            return out;
        }
        for (int s = 0; s < keys.length; s++) {
            if (keys[s] != EMPTY) {
                out[values[s]] = keys[s];
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return isPruned() ? "BucketIndex(" + rows + " of " + buckets + " buckets)" : "BucketIndex(all " + buckets + ")";
    }
}
