package dev.kindling.core.serving.guard;

import dev.kindling.core.text.ModelDigest;
import dev.kindling.core.io.AtomicFiles;
import dev.kindling.core.serving.model.ModelState;
import dev.kindling.core.serving.model.ServedModel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A model's last N served versions on disk ({@code <model>/versions/}): a model file per version and an index
 * ({@code versions.jsonl}, one JSON object per version, newest first, replaced atomically), each with the counters of its
 * parameters and their {@link dev.kindling.core.text.ModelDigest}. The write-ahead log is kept from the oldest kept version on
 * ({@link #oldestSequence()}), so that a rollback to any of them can replay what came after it. Thread-safe.
 */
public final class VersionStore {

    private static final String INDEX = "versions.jsonl";

    private final String model;
    private final Path dir;
    private final int kept;
    private final List<KeptVersion> versions = new ArrayList<>();

    public VersionStore(String model, Path dir, int kept) throws IOException {
        if (kept < 1) {
            throw new IllegalArgumentException("model '" + model + "' must keep at least 1 version, got " + kept);
        }
        this.model = model;
        this.dir = dir;
        this.kept = kept;
        Files.createDirectories(dir);
        Path index = dir.resolve(INDEX);
        if (Files.exists(index)) {
            for (String line : Files.readAllLines(index, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    versions.add(parse(index, line));
                }
            }
        }
    }

    public Path directory() {
        return dir;
    }

    /** The kept versions, newest first. */
    public synchronized List<KeptVersion> list() {
        return List.copyOf(versions);
    }

    public synchronized Optional<KeptVersion> newest() {
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.getFirst());
    }

    /** @throws UnknownVersionException when {@code version} is not kept */
    public synchronized KeptVersion get(long version) {
        return versions.stream().filter(v -> v.version() == version).findFirst()
                .orElseThrow(() -> new UnknownVersionException(model, version, versions.stream().map(KeptVersion::version).toList()));
    }

    public Path file(KeptVersion v) {
        return dir.resolve(v.file());
    }

    /** The lowest log sequence a kept version holds up to: the log must keep everything after it. */
    public synchronized long oldestSequence() {
        return versions.stream().mapToLong(KeptVersion::walSequence).min().orElse(Long.MAX_VALUE);
    }

    /**
     * Keeps the version {@code model} serves now, unless it is kept already: writes its parameters and their digest (under
     * the model's lock that excludes updates; classification goes on), puts it first in the index and drops the oldest
     * beyond N. Returns the kept version (the existing one when nothing changed).
     */
    public synchronized KeptVersion keep(ServedModel served, String reason, HeldOutScore score, Instant now) throws IOException {
        if (!versions.isEmpty() && versions.getFirst().version() == served.servingVersion()) {
            return versions.getFirst();
        }
        Path scratch = dir.resolve("pending.bin");
        String[] digest = new String[1];
        ModelState state = served.writeServed(c -> {
            c.save(scratch);
            digest[0] = ModelDigest.of(c).combined();
        });
        String name = "v-" + state.version() + ".bin";
        Files.move(scratch, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        versions.removeIf(v -> v.version() == state.version());
        KeptVersion v = new KeptVersion(state, now, digest[0], reason, score, name);
        versions.addFirst(v);
        List<KeptVersion> dropped = new ArrayList<>();
        while (versions.size() > kept) {
            dropped.add(versions.removeLast());
        }
        writeIndex();
        for (KeptVersion d : dropped) {
            Files.deleteIfExists(dir.resolve(d.file()));
        }
        return v;
    }

    private void writeIndex() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (KeptVersion v : versions) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", v.version());
            m.put("walSequence", v.walSequence());
            m.put("examplesApplied", v.state().examplesApplied());
            m.put("jobs", jobs(v.state().jobProgress()));
            m.put("createdAt", v.createdAt().toString());
            m.put("digest", v.digest());
            m.put("reason", v.reason());
            m.put("precisionAt1", v.score() == null ? null : v.score().precisionAt1());
            m.put("loss", v.score() == null ? null : v.score().loss());
            m.put("heldOutExamples", v.score() == null ? null : v.score().examples());
            m.put("file", v.file());
            sb.append(FlatJson.write(m)).append('\n');
        }
        AtomicFiles.write(dir.resolve(INDEX), sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static KeptVersion parse(Path index, String line) throws IOException {
        try {
            Map<String, Object> m = FlatJson.read(line);
            ModelState state = new ModelState(FlatJson.number(m, "version"), FlatJson.number(m, "walSequence"),
                    FlatJson.number(m, "examplesApplied"), jobs(FlatJson.text(m, "jobs")));
            Double p1 = FlatJson.decimal(m, "precisionAt1");
            HeldOutScore score = p1 == null ? null : new HeldOutScore(p1, nanIfNull(FlatJson.decimal(m, "loss")),
                    (int) FlatJson.number(m, "heldOutExamples"), 0);
            String file = FlatJson.text(m, "file");
            if (file == null || !file.matches("v-\\d+\\.bin")) {
                throw new IllegalArgumentException("bad file name " + file);
            }
            return new KeptVersion(state, Instant.parse(FlatJson.text(m, "createdAt")), FlatJson.text(m, "digest"), FlatJson.text(m, "reason"),
                    score, file);
        } catch (RuntimeException e) {
            throw new IOException(index + " has a malformed line (" + e.getMessage() + "): " + line
                    + "; expected one JSON object per kept version as Kindling writes them", e);
        }
    }

    private static double nanIfNull(Double d) {
        return d == null ? Double.NaN : d;
    }

    private static String jobs(Map<String, Long> progress) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(progress).forEach((id, i) -> sb.append(sb.isEmpty() ? "" : ",").append(id).append(':').append(i));
        return sb.toString();
    }

    private static Map<String, Long> jobs(String value) {
        Map<String, Long> out = new HashMap<>();
        if (value != null && !value.isBlank()) {
            for (String pair : value.split(",")) {
                int colon = pair.lastIndexOf(':');
                out.put(pair.substring(0, colon), Long.parseLong(pair.substring(colon + 1)));
            }
        }
        return out;
    }
}
