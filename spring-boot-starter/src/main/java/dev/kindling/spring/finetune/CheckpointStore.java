package dev.kindling.spring.finetune;

import dev.kindling.core.io.AtomicFiles;
import dev.kindling.core.io.CheckpointFormatException;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A model's checkpoints in one directory: numbered model files and a {@code CURRENT} file naming the
 * one in force together with the write-ahead-log sequence it contains and, per unfinished batch job,
 * the highest index of that job's examples it contains. A new checkpoint is written in full first and
 * only then named in {@code CURRENT} (atomically), so a crash at any moment leaves a consistent set: the
 * model file, exactly the sequence of examples it holds, and how far each job got into it (the log
 * records that say so are trimmed after the checkpoint, so the checkpoint must remember it).
 *
 * <p>{@code CURRENT} is a properties file: {@code model}, {@code walSequence}, {@code examplesApplied},
 * {@code version} and, since durable jobs, {@code jobs} ({@code <job id>:<index>} pairs separated by
 * commas; absent in older checkpoints, which means no job progress).
 */
public final class CheckpointStore {

    /**
     * The checkpoint in force: its model file, the last log sequence it contains, counters, and per job
     * the highest example index it contains.
     */
    public record Snapshot(Path modelFile, long walSequence, long examplesApplied, long version, Map<String, Long> jobProgress) {

        public Snapshot {
            jobProgress = Map.copyOf(jobProgress);
        }

        public Snapshot(Path modelFile, long walSequence, long examplesApplied, long version) {
            this(modelFile, walSequence, examplesApplied, version, Map.of());
        }
    }

    /** Writes a model to a file (atomically). */
    @FunctionalInterface
    public interface ModelWriter {
        void write(Path file) throws IOException;
    }

    private static final String CURRENT = "CURRENT";

    private final Path dir;

    public CheckpointStore(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    public Path directory() {
        return dir;
    }

    public Optional<Snapshot> current() throws IOException {
        Path cur = dir.resolve(CURRENT);
        if (!Files.exists(cur)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(cur, StandardCharsets.UTF_8)));
        CurrentFileFields fields = new CurrentFileFields(cur, p);
        Path model = dir.resolve(fields.text("model"));
        if (!Files.isRegularFile(model) || !model.getParent().equals(dir)) {
            throw new CheckpointFormatException(cur + " names a model file that is missing: " + model);
        }
        try {
            return Optional.of(new Snapshot(model, fields.count("walSequence"), fields.count("examplesApplied"), fields.count("version"),
                    parseJobs(cur, p.getProperty("jobs", ""))));
        } catch (NumberFormatException e) {
            throw new CheckpointFormatException(cur + " is malformed: bad job progress in jobs=" + p.getProperty("jobs")
                    + " (expected distinct <job id>:<index> pairs)", e);
        }
    }

    /** {@link #commit(ModelWriter, long, long, long, Map)} without job progress. */
    public Snapshot commit(ModelWriter writer, long walSequence, long examplesApplied, long version) throws IOException {
        return commit(writer, walSequence, examplesApplied, version, Map.of());
    }

    /**
     * Writes a new checkpoint through {@code writer}, makes it current together with {@code jobProgress}
     * (job id to the highest index of its examples the model holds), then deletes older model files.
     */
    public Snapshot commit(ModelWriter writer, long walSequence, long examplesApplied, long version, Map<String, Long> jobProgress)
            throws IOException {
        String jobs = formatJobs(jobProgress);
        String name = String.format("model-%020d-%d.bin", walSequence, System.nanoTime());
        Path model = dir.resolve(name);
        writer.write(model);
        String content = "model=" + name + "\nwalSequence=" + walSequence + "\nexamplesApplied=" + examplesApplied
                + "\nversion=" + version + "\njobs=" + jobs + "\n";
        AtomicFiles.write(dir.resolve(CURRENT), content.getBytes(StandardCharsets.UTF_8));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.startsWith("model-") && n.endsWith(".bin") && !n.equals(name)) {
                    Files.deleteIfExists(f);
                }
            }
        }
        return new Snapshot(model, walSequence, examplesApplied, version, jobProgress);
    }

    private static String formatJobs(Map<String, Long> jobProgress) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : new TreeMap<>(jobProgress).entrySet()) {
            if (!JobIds.isValid(e.getKey()) || e.getValue() < 0) {
                throw new IllegalArgumentException("job progress " + e.getKey() + ":" + e.getValue()
                        + " cannot be checkpointed; expected a job id (UUID) and an index >= 0");
            }
            sb.append(sb.isEmpty() ? "" : ",").append(e.getKey()).append(':').append(e.getValue());
        }
        return sb.toString();
    }

    private static Map<String, Long> parseJobs(Path cur, String value) {
        Map<String, Long> jobs = new HashMap<>();
        if (value.isBlank()) {
            return jobs;
        }
        for (String pair : value.split(",")) {
            int colon = pair.indexOf(':');
            String id = colon < 0 ? pair : pair.substring(0, colon);
            long index = colon < 0 ? -1 : Long.parseLong(pair.substring(colon + 1).trim());
            if (!JobIds.isValid(id.trim()) || index < 0 || jobs.put(id.trim(), index) != null) {
                throw new CheckpointFormatException(cur + " is malformed: bad job progress '" + pair + "' in jobs=" + value
                        + " (expected distinct <job id>:<index> pairs)");
            }
        }
        return jobs;
    }
}
