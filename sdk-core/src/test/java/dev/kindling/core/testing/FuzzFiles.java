package dev.kindling.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Scratch files for fuzz targets: one directory per target class, reused by every execution (in memory where
 * {@code /dev/shm} exists, so a fuzzing run is not bound by the disk), and the checks every target applies to
 * the exception a parser threw: the documented type, with a message that says something.
 */
public final class FuzzFiles {

    /** Held so that the level sticks (JUL keeps loggers weakly). */
    private static final java.util.logging.Logger KINDLING = java.util.logging.Logger.getLogger("dev.kindling");

    private FuzzFiles() {
    }

    /**
     * While fuzzing (JAZZER_FUZZ set), log lines per execution (an unverified file, a cut torn tail) would slow it
     * down: only SEVERE ones then. A normal build leaves logging alone (other tests in the JVM read log lines).
     */
    public static void quietLogs() {
        String fuzz = System.getenv("JAZZER_FUZZ");
        if (fuzz != null && !fuzz.isEmpty() && !fuzz.equals("0")) {
            KINDLING.setLevel(java.util.logging.Level.SEVERE);
        }
    }

    /** A fresh directory for one fuzz target class. */
    public static Path scratch(String name) {
        quietLogs();
        try {
            Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "kindling-fuzz-" + name)
                    : Files.createTempDirectory("kindling-fuzz-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Empties {@code dir} (keeps the directory itself). */
    public static void clear(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails (a fuzzing finding) when a documented exception carries no useful message. */
    public static void requireMessage(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            throw new AssertionError("a " + e.getClass().getSimpleName() + " without a message", e);
        }
    }
}
