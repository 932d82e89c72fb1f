package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.checkpoint.JobIds;
import dev.kindling.core.text.BadLine;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.zip.CRC32C;

/**
 * What is stored about a job besides its examples ({@code job.properties} in the job's directory): what it
 * is, how it was requested to end and how it ended. Progress while it runs is not here: the model itself
 * records how far into each job it got ({@link dev.kindling.core.serving.model.ServedModel#jobProgress}); the
 * applied count and loss are stored once the job finishes.
 *
 * <p>The file is a properties text followed by a line {@code checksum=<CRC32C of the bytes before it>}, so
 * a truncated or damaged record is recognised as such instead of being read with missing fields.
 */
record JobRecord(String id, String model, long totalExamples, List<BadLine> badLines, long badLineCount, Instant createdAt,
                 FineTuneJob.State state, boolean cancelRequested, long appliedExamples, double loss, String error,
                 Instant finishedAt) {

    static final int FORMAT = 1;
    private static final String CHECKSUM = "checksum=";

    JobRecord {
        if (!JobIds.isValid(id)) {
            throw new IllegalArgumentException("job id '" + id + "' is not a UUID");
        }
        if (model == null || model.isBlank() || totalExamples < 1 || badLineCount < 0 || createdAt == null || state == null) {
            throw new IllegalArgumentException("incomplete job record for " + id + ": model=" + model + " total=" + totalExamples
                    + " badLineCount=" + badLineCount + " createdAt=" + createdAt + " state=" + state);
        }
        badLines = List.copyOf(badLines);
    }

    /** A job just accepted: nothing applied yet. */
    static JobRecord accepted(String id, String model, long total, List<BadLine> badLines, long badLineCount) {
        return new JobRecord(id, model, total, badLines, badLineCount, Instant.now(), FineTuneJob.State.QUEUED, false, 0,
                Double.NaN, null, null);
    }

    boolean finished() {
        return state == FineTuneJob.State.SUCCEEDED || state == FineTuneJob.State.FAILED || state == FineTuneJob.State.CANCELLED;
    }

    JobRecord withState(FineTuneJob.State next) {
        return new JobRecord(id, model, totalExamples, badLines, badLineCount, createdAt, next, cancelRequested, appliedExamples, loss,
                error, finishedAt);
    }

    JobRecord withCancelRequested() {
        return new JobRecord(id, model, totalExamples, badLines, badLineCount, createdAt, state, true, appliedExamples, loss, error,
                finishedAt);
    }

    JobRecord finishedAs(FineTuneJob.State end, long applied, double lastLoss, String failure, Instant at) {
        return new JobRecord(id, model, totalExamples, badLines, badLineCount, createdAt, end, cancelRequested, applied, lastLoss,
                failure, at);
    }

    byte[] encode() {
        Properties p = new Properties();
        p.setProperty("format", Integer.toString(FORMAT));
        p.setProperty("id", id);
        p.setProperty("model", model);
        p.setProperty("totalExamples", Long.toString(totalExamples));
        p.setProperty("badLineCount", Long.toString(badLineCount));
        p.setProperty("badLines", Integer.toString(badLines.size()));
        for (int i = 0; i < badLines.size(); i++) {
            p.setProperty("badLine." + i + ".number", Long.toString(badLines.get(i).lineNumber()));
            p.setProperty("badLine." + i + ".reason", badLines.get(i).reason());
        }
        p.setProperty("createdAt", createdAt.toString());
        p.setProperty("state", state.name());
        p.setProperty("cancelRequested", Boolean.toString(cancelRequested));
        p.setProperty("appliedExamples", Long.toString(appliedExamples));
        p.setProperty("loss", Double.toString(loss));
        if (error != null) {
            p.setProperty("error", error);
        }
        if (finishedAt != null) {
            p.setProperty("finishedAt", finishedAt.toString());
        }
        StringWriter text = new StringWriter();
        try {
            p.store(text, "Kindling fine-tuning job");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
        byte[] trailer = (CHECKSUM + checksum(body, body.length) + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[body.length + trailer.length];
        System.arraycopy(body, 0, all, 0, body.length);
        System.arraycopy(trailer, 0, all, body.length, trailer.length);
        return all;
    }

    /** Reads a record written by {@link #encode}; {@code source} names the file in errors. */
    static JobRecord decode(byte[] data, String source) throws JobFormatException {
        int end = data.length;
        if (end == 0 || data[end - 1] != '\n') {
            throw new JobFormatException(source + " is truncated (it does not end with its checksum line)");
        }
        int lineStart = end - 1;
        while (lineStart > 0 && data[lineStart - 1] != '\n') {
            lineStart--;
        }
        String last = new String(data, lineStart, end - 1 - lineStart, StandardCharsets.UTF_8);
        if (!last.startsWith(CHECKSUM)) {
            throw new JobFormatException(source + " is truncated (its last line is not the checksum line)");
        }
        if (!last.substring(CHECKSUM.length()).equals(checksum(data, lineStart))) {
            throw new JobFormatException(source + " is damaged: its checksum does not match its content");
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(data, 0, lineStart, StandardCharsets.UTF_8)));
            int format = Integer.parseInt(required(p, "format", source));
            if (format != FORMAT) {
                throw new JobFormatException(source + " has format " + format + "; this release reads format " + FORMAT);
            }
            int shown = Integer.parseInt(required(p, "badLines", source));
            // Each bad line shown takes two keys: a larger count is damage, not a size to allocate.
            if (shown < 0 || shown > p.size() / 2) {
                throw new JobFormatException(source + " is malformed: it claims " + shown + " bad lines but holds " + p.size() + " keys");
            }
            List<BadLine> bad = new ArrayList<>(shown);
            for (int i = 0; i < shown; i++) {
                bad.add(new BadLine(Long.parseLong(required(p, "badLine." + i + ".number", source)),
                        required(p, "badLine." + i + ".reason", source)));
            }
            String finished = p.getProperty("finishedAt");
            return new JobRecord(required(p, "id", source), required(p, "model", source),
                    Long.parseLong(required(p, "totalExamples", source)), bad, Long.parseLong(required(p, "badLineCount", source)),
                    Instant.parse(required(p, "createdAt", source)), FineTuneJob.State.valueOf(required(p, "state", source)),
                    Boolean.parseBoolean(required(p, "cancelRequested", source)),
                    Long.parseLong(required(p, "appliedExamples", source)), Double.parseDouble(required(p, "loss", source)),
                    p.getProperty("error"), finished == null ? null : Instant.parse(finished));
        } catch (JobFormatException e) {
            throw e;
        } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
            throw new JobFormatException(source + " is malformed: " + e.getMessage(), e);
        }
    }

    private static String required(Properties p, String key, String source) throws JobFormatException {
        String v = p.getProperty(key);
        if (v == null) {
            throw new JobFormatException(source + " is malformed: '" + key + "' is missing");
        }
        return v;
    }

    private static String checksum(byte[] data, int length) {
        CRC32C c = new CRC32C();
        c.update(data, 0, length);
        return HexFormat.of().toHexDigits((int) c.getValue());
    }
}
