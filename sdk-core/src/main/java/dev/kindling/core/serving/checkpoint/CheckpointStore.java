package dev.kindling.core.serving.checkpoint;

import dev.kindling.core.io.AtomicFiles;
import dev.kindling.core.io.CheckpointFormatException;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A model's checkpoints in one directory: numbered model files and a {@code CURRENT} file naming the
 * one in force together with the write-ahead-log sequence it contains and, per unfinished batch job,
 * the highest index of that job's examples it contains. A new checkpoint is written in full first and
 * only then named in {@code CURRENT} (atomically), so a crash at any moment leaves a consistent set: the
 * model file, exactly the sequence of examples it holds, and how far each job got into it (the log
 * records that say so are trimmed after the checkpoint, so the checkpoint must remember it).
 *
 * <p>The previous good checkpoint is kept too, so that a newest one found damaged at start falls back to
 * it (plus the log); the log is therefore trimmed only through the oldest kept checkpoint
 * ({@link #oldestKeptWalSequence()}), and not at all while only one exists (the fallback is then the base model).
 * After a model is swapped, its checkpoint's fallback is a second copy of it: older checkpoints and the base
 * model hold another model ({@code baseModelReplaced}).
 *
 * <p>{@code CURRENT} is a properties file: {@code model}, {@code walSequence}, {@code examplesApplied},
 * {@code version} and, since durable jobs, {@code jobs} ({@code <job id>:<index>} pairs separated by
 * commas; absent in older checkpoints, which means no job progress); since kept fallbacks, the same keys
 * prefixed {@code previous.} for the previous checkpoint and {@code baseModelReplaced}; since provenance,
 * {@code configuredSha256}: the SHA-256 of the configured model file the checkpoints grew from (absent in older
 * checkpoints: unknown), so that a start can tell a retrained configured file from the one fine-tuning started on.
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

    private static final System.Logger log = System.getLogger(CheckpointStore.class.getName());
    private static final String CURRENT = "CURRENT";
    private static final String PREVIOUS = "previous.";
    private static final String BASE_REPLACED = "baseModelReplaced";
    private static final String CONFIGURED_SHA256 = "configuredSha256";
    /** Where model files found unusable are moved at the next commit (kept for inspection, never loaded). */
    public static final String DAMAGED_DIR = "damaged";

    private final Path dir;
    /** Model files found unusable at start: neither a fallback for the next commit nor deleted by it. */
    private final Set<String> unusable = ConcurrentHashMap.newKeySet();
    /** The configured file's SHA-256 the next commit records (null: keep what CURRENT says). */
    private volatile String configuredSha256;
    /** The configured file replaced the kept checkpoints at start; the decision is written with the next commit, due at once. */
    private volatile boolean replacementPending;

    public CheckpointStore(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    public Path directory() {
        return dir;
    }

    /** The checkpoint in force (the newest), if any; its model file may be missing or damaged (see {@link #kept()}). */
    public Optional<Snapshot> current() throws IOException {
        List<Snapshot> kept = kept();
        return kept.isEmpty() ? Optional.empty() : Optional.of(kept.getFirst());
    }

    /** The kept checkpoints, newest first: the one in force and the previous one, when there is one. */
    public List<Snapshot> kept() throws IOException {
        Properties p = readCurrent();
        if (p == null) {
            return List.of();
        }
        List<Snapshot> kept = new ArrayList<>(2);
        kept.add(snapshot(p, ""));
        if (p.getProperty(PREVIOUS + "model") != null) {
            kept.add(snapshot(p, PREVIOUS));
        }
        return kept;
    }

    /** The configured file's SHA-256 recorded with the kept checkpoints, or null when none is recorded (or nothing is kept). */
    public String recordedConfiguredSha256() throws IOException {
        Properties p = readCurrent();
        String v = p == null ? null : p.getProperty(CONFIGURED_SHA256);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /**
     * Records with every later commit that the checkpoints grow from the configured file with this SHA-256 (the
     * registry calls it once it decided what to serve); null keeps what {@code CURRENT} says.
     */
    public void recordConfiguredSha256(String sha256) {
        this.configuredSha256 = sha256;
    }

    /**
     * Records that the configured file (with {@code sha256}) replaced the kept checkpoints: the fine-tuner commits a
     * checkpoint as soon as it holds the data directory's lock, so that the next start does not decide again.
     */
    public void recordReplacement(String sha256) {
        this.configuredSha256 = sha256;
        this.replacementPending = true;
    }

    /** Whether a {@link #recordReplacement replacement} still waits for its commit. */
    public boolean replacementPending() {
        return replacementPending;
    }

    /** Whether the kept checkpoints descend from a model swapped in, so that the configured base model is no fallback. */
    public boolean baseModelReplaced() throws IOException {
        Properties p = readCurrent();
        return p != null && Boolean.parseBoolean(p.getProperty(BASE_REPLACED, "false"));
    }

    /**
     * Through which log sequence the log may be trimmed: the oldest kept checkpoint's, so that every kept
     * checkpoint can still be completed from the log; 0 while only one is kept (its fallback is the base model).
     */
    public long oldestKeptWalSequence() throws IOException {
        List<Snapshot> kept = kept();
        return kept.size() < 2 ? 0 : kept.stream().mapToLong(Snapshot::walSequence).min().orElse(0);
    }

    /**
     * Records that {@code s}'s model file is damaged or missing (found at start): the next commit moves it to
     * {@code damaged/} instead of keeping it as the fallback.
     */
    public void markUnusable(Snapshot s) {
        unusable.add(s.modelFile().getFileName().toString());
    }

    /** Whether a checkpoint was found unusable and is still named in {@code CURRENT} (the next commit replaces it). */
    public boolean hasUnusable() {
        return !unusable.isEmpty();
    }

    private Properties readCurrent() throws IOException {
        Path cur = dir.resolve(CURRENT);
        if (!Files.exists(cur)) {
            return null;
        }
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(cur, StandardCharsets.UTF_8)));
        return p;
    }

    private Snapshot snapshot(Properties p, String prefix) {
        Path cur = dir.resolve(CURRENT);
        CurrentFileFields fields = new CurrentFileFields(cur, p);
        String name = fields.text(prefix + "model");
        if (!isModelFileName(name)) {
            throw new CheckpointFormatException(cur + " is malformed: '" + prefix + "model' is '" + name
                    + "'; expected the name of a model-<sequence>-<n>.bin file in " + dir);
        }
        return new Snapshot(dir.resolve(name), fields.count(prefix + "walSequence"), fields.count(prefix + "examplesApplied"),
                fields.count(prefix + "version"), parseJobs(cur, p.getProperty(prefix + "jobs", "")));
    }

    private static boolean isModelFileName(String n) {
        return n.startsWith("model-") && n.endsWith(".bin") && !n.contains("/") && !n.contains("\\") && !n.contains("..");
    }

    /** {@link #commit(ModelWriter, long, long, long, Map)} without job progress. */
    public Snapshot commit(ModelWriter writer, long walSequence, long examplesApplied, long version) throws IOException {
        return commit(writer, walSequence, examplesApplied, version, Map.of());
    }

    /** {@link #commit(ModelWriter, long, long, long, Map, long)} of a model never swapped in this process. */
    public Snapshot commit(ModelWriter writer, long walSequence, long examplesApplied, long version, Map<String, Long> jobProgress)
            throws IOException {
        return commit(writer, walSequence, examplesApplied, version, jobProgress, 0);
    }

    /**
     * Writes a new checkpoint through {@code writer} and makes it current together with {@code jobProgress}
     * (job id to the highest index of its examples the model holds), keeping the previous good one as its
     * fallback, then deletes older model files (and moves ones found unusable to {@code damaged/}).
     * {@code swappedAtVersion} is the version at which the model was last swapped in (0: never in this
     * process): a previous checkpoint older than that holds another model, so a second copy of this one is
     * written as the fallback instead.
     */
    public Snapshot commit(ModelWriter writer, long walSequence, long examplesApplied, long version, Map<String, Long> jobProgress,
                           long swappedAtVersion) throws IOException {
        String jobs = formatJobs(jobProgress);
        List<Snapshot> before = kept();
        String configured = configuredSha256 != null ? configuredSha256 : recordedConfiguredSha256();
        boolean baseReplaced = swappedAtVersion > 0 || baseModelReplaced();
        Snapshot newest = new Snapshot(dir.resolve(String.format("model-%020d-%d.bin", walSequence, System.nanoTime())), walSequence,
                examplesApplied, version, jobProgress);
        writer.write(newest.modelFile());
        Snapshot previous = before.stream().filter(k -> !unusable.contains(k.modelFile().getFileName().toString()))
                .filter(k -> Files.isRegularFile(k.modelFile())).findFirst().orElse(null);
        if (previous != null && previous.version() < swappedAtVersion) {
            previous = null;   // from before the swap: another model
        }
        Snapshot copy = null;
        try {
            if (previous == null && baseReplaced) {
                copy = new Snapshot(dir.resolve(String.format("model-%020d-%d.bin", walSequence, System.nanoTime())), walSequence,
                        examplesApplied, version, jobProgress);
                writer.write(copy.modelFile());
                previous = copy;
            }
            StringBuilder content = new StringBuilder(entries("", newest, jobs));
            if (previous != null) {
                content.append(entries(PREVIOUS, previous, formatJobs(previous.jobProgress())));
            }
            content.append(BASE_REPLACED).append('=').append(baseReplaced).append('\n');
            if (configured != null) {
                content.append(CONFIGURED_SHA256).append('=').append(configured).append('\n');
            }
            AtomicFiles.write(dir.resolve(CURRENT), content.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            // Not in force (CURRENT still names the old set): the files written for it would only take the space a
            // full disk lacks, and nothing would ever delete them.
            deleteQuietly(newest.modelFile(), e);
            if (copy != null) {
                deleteQuietly(copy.modelFile(), e);
            }
            throw e;
        }
        removeUnkept(newest, previous);
        replacementPending = false;
        return newest;
    }

    private static void deleteQuietly(Path file, Exception failure) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static String entries(String prefix, Snapshot s, String jobs) {
        return prefix + "model=" + s.modelFile().getFileName() + "\n" + prefix + "walSequence=" + s.walSequence() + "\n" + prefix
                + "examplesApplied=" + s.examplesApplied() + "\n" + prefix + "version=" + s.version() + "\n" + prefix + "jobs=" + jobs + "\n";
    }

    private void removeUnkept(Snapshot newest, Snapshot previous) throws IOException {
        Set<String> keep = new HashSet<>();
        keep.add(newest.modelFile().getFileName().toString());
        if (previous != null) {
            keep.add(previous.modelFile().getFileName().toString());
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (!n.startsWith("model-") || !n.endsWith(".bin") || keep.contains(n)) {
                    continue;
                }
                if (unusable.remove(n)) {
                    Path aside = Files.createDirectories(dir.resolve(DAMAGED_DIR)).resolve(n);
                    Files.move(f, aside, StandardCopyOption.REPLACE_EXISTING);
                    log.log(System.Logger.Level.WARNING, "checkpoint " + f + " was found unusable at start and is replaced: moved to " + aside);
                } else {
                    Files.deleteIfExists(f);
                }
            }
        }
        unusable.retainAll(keep);
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
            long index = colon < 0 ? -1 : indexOf(pair.substring(colon + 1));
            if (!JobIds.isValid(id.trim()) || index < 0 || jobs.put(id.trim(), index) != null) {
                throw new CheckpointFormatException(cur + " is malformed: bad job progress '" + pair + "' in jobs=" + value
                        + " (expected distinct <job id>:<index> pairs)");
            }
        }
        return jobs;
    }

    private static long indexOf(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;   // reported with the whole pair by the caller
        }
    }
}
