package dev.kindling.spring.finetune;

import dev.kindling.core.io.AtomicFiles;
import dev.kindling.core.io.CheckpointFormatException;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A model's checkpoints in one directory: numbered model files and a {@code CURRENT} file naming the
 * one in force together with the write-ahead-log sequence it contains. A new checkpoint is written in
 * full first and only then named in {@code CURRENT} (atomically), so a crash at any moment leaves a
 * consistent pair: the model file and exactly the sequence of examples it holds.
 */
public final class CheckpointStore {

    /** The checkpoint in force: its model file, the last log sequence it contains, counters. */
    public record Snapshot(Path modelFile, long walSequence, long examplesApplied, long version) {
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
        try {
            Path model = dir.resolve(p.getProperty("model"));
            if (!Files.isRegularFile(model) || !model.getParent().equals(dir)) {
                throw new CheckpointFormatException(cur + " names a model file that is missing: " + model);
            }
            return Optional.of(new Snapshot(model, Long.parseLong(p.getProperty("walSequence")),
                    Long.parseLong(p.getProperty("examplesApplied")), Long.parseLong(p.getProperty("version"))));
        } catch (NullPointerException | NumberFormatException e) {
            throw new CheckpointFormatException(cur + " is malformed: " + e.getMessage(), e);
        }
    }

    /** Writes a new checkpoint through {@code writer}, makes it current, then deletes older model files. */
    public Snapshot commit(ModelWriter writer, long walSequence, long examplesApplied, long version) throws IOException {
        String name = String.format("model-%020d-%d.bin", walSequence, System.nanoTime());
        Path model = dir.resolve(name);
        writer.write(model);
        String content = "model=" + name + "\nwalSequence=" + walSequence + "\nexamplesApplied=" + examplesApplied
                + "\nversion=" + version + "\n";
        AtomicFiles.write(dir.resolve(CURRENT), content.getBytes(StandardCharsets.UTF_8));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.startsWith("model-") && n.endsWith(".bin") && !n.equals(name)) {
                    Files.deleteIfExists(f);
                }
            }
        }
        return new Snapshot(model, walSequence, examplesApplied, version);
    }
}
