package dev.kindling.core.serving.log;

import dev.kindling.core.io.AtomicFiles;
import dev.kindling.core.text.Printable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Where a model's write-ahead-log records that cannot be applied are set aside (a record written by an
 * older release that the model refuses, or one that cannot be decoded), so that one bad record neither
 * stops fine-tuning nor makes every restart fail, and is never dropped silently: each is kept as
 * {@code record-<sequence>.bin} (its exact bytes, to inspect or feed again) beside
 * {@code record-<sequence>.txt} (model, sequence, time and the error), logged as an error, and counted.
 * Setting a record aside again (a replay after a crash before the next checkpoint) keeps the first copy.
 */
public final class PoisonRecordQuarantine {

    private static final System.Logger log = System.getLogger(PoisonRecordQuarantine.class.getName());

    private final Path dir;
    private final String model;
    private final AtomicLong setAside = new AtomicLong();

    public PoisonRecordQuarantine(Path dir, String model) {
        this.dir = dir;
        this.model = model;
    }

    public Path directory() {
        return dir;
    }

    /**
     * Keeps {@code payload}, the record with log sequence {@code sequence}, and why it cannot be applied;
     * returns once both files are durable. False when that record was set aside before.
     */
    public boolean setAside(long sequence, byte[] payload, Throwable error) throws IOException {
        Files.createDirectories(dir);
        String name = String.format("record-%020d", sequence);
        Path description = dir.resolve(name + ".txt");
        String reason = Printable.escape(String.valueOf(error.getMessage()));
        if (Files.exists(description)) {
            log.log(System.Logger.Level.WARNING, "model " + model + ": write-ahead-log record " + sequence + " cannot be applied (" + reason + "); it was set aside in " + description + " before");
            return false;
        }
        Path bytes = dir.resolve(name + ".bin");
        AtomicFiles.write(bytes, payload);
        String text = "model: " + model + "\nsequence: " + sequence + "\nset aside: " + Instant.now() + "\nrecord: " + bytes.getFileName()
                + " (" + payload.length + " bytes)\nerror: " + error.getClass().getSimpleName() + ": " + reason + "\n";
        AtomicFiles.write(description, text.getBytes(StandardCharsets.UTF_8));
        setAside.incrementAndGet();
        log.log(System.Logger.Level.ERROR, "model " + model + ": write-ahead-log record " + sequence + " cannot be applied (" + reason + "); set aside in " + bytes + ", fine-tuning goes on with the next record");
        return true;
    }

    /** Records set aside since this process started. */
    public long setAsideSinceStart() {
        return setAside.get();
    }

    /** Records in the quarantine now (kept until an operator removes them). */
    public long held() throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".txt")).count();
        }
    }
}
