package dev.kindling.core.serving.log;

import dev.kindling.core.serving.model.JobPosition;
import dev.kindling.core.serving.model.LabelledExample;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The write-ahead-log form of an example. Strings are UTF-8, prefixed by their byte length (int).
 * <ul>
 *   <li>version 1 (feedback, and every record written before jobs were durable): byte 1, text, label
 *   count (unsigned short), labels;</li>
 *   <li>version 2 (an example of a batch job): byte 2, job id, index in the job (long), then text, label
 *   count and labels as in version 1.</li>
 * </ul>
 * Both decode forever: a log written by an older release replays unchanged.
 */
public final class ExampleCodec {

    public static final byte FEEDBACK = 1;
    public static final byte JOB_EXAMPLE = 2;

    /** A decoded record: the example and, for a job's example, where in the job it comes from (else null). */
    public record Logged(LabelledExample example, JobPosition position) {
    }

    private ExampleCodec() {
    }

    /** A feedback example (version 1). */
    public static byte[] encode(LabelledExample e) {
        return encode(e, null);
    }

    /** Version 2 when {@code position} is given, else version 1. */
    public static byte[] encode(LabelledExample e, JobPosition position) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(e.text().length() + 64);
            DataOutputStream out = new DataOutputStream(bytes);
            if (position == null) {
                out.writeByte(FEEDBACK);
            } else {
                out.writeByte(JOB_EXAMPLE);
                writeString(out, position.jobId());
                out.writeLong(position.index());
            }
            writeString(out, e.text());
            if (e.labels().size() > 0xffff) {
                throw new IllegalArgumentException(e.labels().size() + " labels do not fit an example record (at most 65535)");
            }
            out.writeShort(e.labels().size());
            for (String l : e.labels()) {
                writeString(out, l);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The example alone, whatever the version. */
    public static LabelledExample decode(byte[] data) {
        return decodeLogged(data).example();
    }

    public static Logged decodeLogged(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte v = in.readByte();
            JobPosition position = null;
            if (v == JOB_EXAMPLE) {
                String job = readString(in);
                position = new JobPosition(job, in.readLong());
            } else if (v != FEEDBACK) {
                throw new IllegalStateException("unknown example record version " + v + " in the write-ahead log (this release reads "
                        + FEEDBACK + " and " + JOB_EXAMPLE + ")");
            }
            String text = readString(in);
            int n = in.readUnsignedShort();
            List<String> labels = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                labels.add(readString(in));
            }
            if (in.available() > 0) {
                throw new IOException(in.available() + " unexpected bytes after the labels");
            }
            return new Logged(new LabelledExample(text, labels), position);
        } catch (IOException | IllegalArgumentException ex) {
            throw new IllegalStateException("malformed example record in the write-ahead log: " + ex.getMessage(), ex);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 16 * 1024 * 1024) {
            throw new IOException("bad string length " + n);
        }
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("truncated string");
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
