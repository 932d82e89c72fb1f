package dev.kindling.core.fasttext;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The dictionary block of a fastText model: size, word and label counts (int32), token count and pruned-
 * bucket count (int64; −1 when not pruned), then each entry as NUL-terminated bytes, an int64 count and an
 * int8 type (0 word, 1 label), words first, and finally the pruned buckets as (bucket, row) int32 pairs.
 *
 * <p>Kindling handles text as UTF-8. An entry that is not valid UTF-8 (fastText stores raw bytes) can never
 * match an input token; it keeps its row under a placeholder name ending in a NUL and its index.
 */
public record FastTextDictionary(String[] words, long[] wordCounts, String[] labels, long[] labelCounts, long tokens,
                                 int[] prunedBuckets) {

    private static final int MAX_ENTRY_BYTES = 1 << 20;
    private static final int WORD = 0;
    private static final int LABEL = 1;

    /** Whether buckets were pruned ({@code quantize -cutoff}); then bucket {@code prunedBuckets[r]} has row r. */
    public boolean isPruned() {
        return prunedBuckets != null;
    }

    static FastTextDictionary read(BinaryInput in) throws IOException {
        in.require(4 + 4 + 4 + 8 + 8, "the dictionary header");
        int size = in.readInt("dictionary size"), nwords = in.readInt("word count"), nlabels = in.readInt("label count");
        long tokens = in.readLong("token count");
        long pruned = in.readLong("pruned bucket count");
        if (size < 0 || nwords < 0 || nlabels < 0 || (long) nwords + nlabels != size) {
            throw in.error("dictionary of " + size + " entries claims " + nwords + " words and " + nlabels + " labels");
        }
        // Each entry takes at least 10 bytes (a NUL, a count and a type): a size beyond that is corruption, not an allocation.
        if (size > in.remaining() / 10) {
            throw in.error("truncated or corrupt: the dictionary claims " + size + " entries but only " + in.remaining()
                    + " bytes are left (at least 10 per entry)");
        }
        if (pruned < -1 || pruned > in.remaining() / 8) {
            throw in.error("truncated or corrupt: the dictionary claims " + pruned + " pruned buckets (8 bytes each) but only "
                    + in.remaining() + " bytes are left");
        }
        String[] words = new String[nwords], labels = new String[nlabels];
        long[] wordCounts = new long[nwords], labelCounts = new long[nlabels];
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        for (int i = 0; i < size; i++) {
            byte[] raw = in.readCString("dictionary entry " + i, MAX_ENTRY_BYTES);
            long count = in.readLong("count of dictionary entry " + i);
            int type = in.readByte("type of dictionary entry " + i);
            boolean label = i >= nwords;
            if (type != (label ? LABEL : WORD)) {
                throw in.error("dictionary entry " + i + " has type " + type + "; expected " + (label ? "1 (label)" : "0 (word)")
                        + " since the first " + nwords + " entries are words and the rest labels");
            }
            String s = decode(utf8, raw, i);
            if (label) {
                labels[i - nwords] = s;
                labelCounts[i - nwords] = count;
            } else {
                words[i] = s;
                wordCounts[i] = count;
            }
        }
        int[] prunedBuckets = null;
        if (pruned >= 0) {
            prunedBuckets = new int[(int) pruned];
            boolean[] rowSeen = new boolean[(int) pruned];
            for (int i = 0; i < pruned; i++) {
                int bucket = in.readInt("pruned bucket"), row = in.readInt("row of pruned bucket");
                if (row < 0 || row >= pruned || rowSeen[row]) {
                    throw in.error("pruned bucket " + bucket + " has row " + row + "; rows must be 0.." + (pruned - 1) + ", each once");
                }
                rowSeen[row] = true;
                prunedBuckets[row] = bucket;
            }
        }
        return new FastTextDictionary(words, wordCounts, labels, labelCounts, tokens, prunedBuckets);
    }

    private static String decode(CharsetDecoder utf8, byte[] raw, int index) {
        try {
            return utf8.decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            return new String(raw, StandardCharsets.UTF_8) + "\u0000" + index;
        }
    }

    void write(BinaryOutput out) throws IOException {
        out.writeInt(words.length + labels.length);
        out.writeInt(words.length);
        out.writeInt(labels.length);
        out.writeLong(tokens);
        out.writeLong(isPruned() ? prunedBuckets.length : -1);
        for (int i = 0; i < words.length; i++) {
            writeEntry(out, words[i], wordCounts[i], WORD);
        }
        for (int i = 0; i < labels.length; i++) {
            writeEntry(out, labels[i], labelCounts[i], LABEL);
        }
        if (isPruned()) {
            for (int r = 0; r < prunedBuckets.length; r++) {
                out.writeInt(prunedBuckets[r]);
                out.writeInt(r);
            }
        }
    }

    private static void writeEntry(BinaryOutput out, String s, long count, int type) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (byte x : b) {
            if (x == 0) {
                throw new IllegalArgumentException("'" + s.replace("\u0000", "\\0") + "' contains a NUL byte, which fastText's file cannot hold");
            }
        }
        out.writeBytes(b);
        out.writeByte(0);
        out.writeLong(count);
        out.writeByte(type);
    }
}
