package dev.kindling.core.serving.log;

import dev.kindling.core.text.ModelDelta;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * One update a fleet's trainer publishes: the model that held the examples up to fleet sequence {@code afterSequence}
 * took those up to {@code lastSequence} ({@code examples} of them) and became {@code version}. {@code delta} is what
 * that changed (null when the records trained nothing: set aside, or a cancelled job's); {@code digest}, when present,
 * is the digest of the model at {@code version}, for replicas to compare theirs with. A digest alone (after = last)
 * states the digest of a version already published. Encoded with a CRC32C.
 */
public record FleetUpdate(long afterSequence, long lastSequence, int examples, long version, Map<String, Long> jobMarks, ModelDelta delta,
                          String digest) {

    private static final int MAGIC = 0x4B465550;   // "KFUP"
    private static final byte FORMAT = 1;
    private static final int HAS_DELTA = 1, HAS_DIGEST = 2;

    public FleetUpdate {
        if (lastSequence < afterSequence || examples < 0) {
            throw new IllegalArgumentException("a fleet update covers sequences (" + afterSequence + ", " + lastSequence + "] with " + examples
                    + " examples: impossible");
        }
        jobMarks = Map.copyOf(jobMarks);
    }

    /** A statement of the digest of {@code version} (which holds up to {@code sequence}), changing nothing. */
    public static FleetUpdate digestOnly(long sequence, long version, String digest) {
        return new FleetUpdate(sequence, sequence, 0, version, Map.of(), null, digest);
    }

    public boolean isDigestOnly() {
        return afterSequence == lastSequence && delta == null;
    }

    public byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeByte(FORMAT);
            out.writeLong(afterSequence);
            out.writeLong(lastSequence);
            out.writeInt(examples);
            out.writeLong(version);
            out.writeInt(jobMarks.size());
            for (Map.Entry<String, Long> e : new TreeMap<>(jobMarks).entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeByte((delta != null ? HAS_DELTA : 0) | (digest != null ? HAS_DIGEST : 0));
            if (delta != null) {
                byte[] d = delta.encode();
                out.writeInt(d.length);
                out.write(d);
            }
            if (digest != null) {
                out.writeUTF(digest);
            }
            out.flush();
            CRC32C crc = new CRC32C();
            crc.update(bytes.toByteArray());
            out.writeInt((int) crc.getValue());
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IllegalArgumentException when the bytes are not an intact fleet update, saying why */
    public static FleetUpdate decode(byte[] data) {
        if (data == null || data.length < 4 + 1 + 8 + 8 + 4 + 8 + 4 + 1 + 4) {
            throw new IllegalArgumentException("a fleet update needs at least 42 bytes, got " + (data == null ? 0 : data.length));
        }
        CRC32C crc = new CRC32C();
        crc.update(data, 0, data.length - 4);
        int stored = java.nio.ByteBuffer.wrap(data, data.length - 4, 4).getInt();
        if ((int) crc.getValue() != stored) {
            throw new IllegalArgumentException("fleet update of " + data.length + " bytes fails its CRC32C check");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 0, data.length - 4))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a fleet update (bad magic)");
            }
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("fleet update format " + format + "; this release reads " + FORMAT);
            }
            long after = in.readLong(), last = in.readLong();
            int examples = in.readInt();
            long version = in.readLong();
            int marks = in.readInt();
            if (marks < 0 || marks > data.length) {
                throw new IllegalArgumentException("fleet update declares " + marks + " job marks");
            }
            Map<String, Long> jobMarks = new LinkedHashMap<>();
            for (int i = 0; i < marks; i++) {
                jobMarks.put(in.readUTF(), in.readLong());
            }
            int flags = in.readByte();
            ModelDelta delta = null;
            if ((flags & HAS_DELTA) != 0) {
                int n = in.readInt();
                if (n < 0 || n > in.available()) {
                    throw new IllegalArgumentException("fleet update declares a delta of " + n + " bytes, more than it holds");
                }
                delta = ModelDelta.decode(in.readNBytes(n));
            }
            String digest = (flags & HAS_DIGEST) != 0 ? in.readUTF() : null;
            if (in.available() != 0) {
                throw new IllegalArgumentException("fleet update has " + in.available() + " bytes after its end");
            }
            return new FleetUpdate(after, last, examples, version, jobMarks, delta, digest);
        } catch (IOException e) {
            throw new IllegalArgumentException("fleet update of " + data.length + " bytes ends early: " + e, e);
        }
    }
}
