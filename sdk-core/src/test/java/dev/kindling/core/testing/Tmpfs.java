package dev.kindling.core.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted over a test directory, to see what a full disk (ENOSPC) or a read-only file system
 * (EROFS) does to a real write. Mounting needs root (sessions and CI here are root); elsewhere the test using
 * it is skipped by assumption. {@link #close} unmounts.
 */
public final class Tmpfs implements AutoCloseable {

    private final Path dir;

    private Tmpfs(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code size} (e.g. "2m") over {@code dir} (created if missing); skips the test where that is not permitted. */
    public static Tmpfs mount(Path dir, String size) throws IOException, InterruptedException {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "tmpfs needs Linux");
        Files.createDirectories(dir);
        String failure = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
        Assumptions.assumeTrue(failure == null, () -> "cannot mount a tmpfs here (needs root): " + failure);
        return new Tmpfs(dir);
    }

    public Path directory() {
        return dir;
    }

    /**
     * Fills the file system with one file until a write fails with ENOSPC; returns that file (delete it to give
     * the space back).
     */
    public Path fill() throws IOException {
        Path filler = dir.resolve("filler");
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
                throw e;
            }
        }
        return filler;
    }

    public void remountReadOnly() throws IOException, InterruptedException {
        require(run("mount", "-o", "remount,ro", dir.toString()));
    }

    public void remountWritable() throws IOException, InterruptedException {
        require(run("mount", "-o", "remount,rw", dir.toString()));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        require(run("umount", "-l", dir.toString()));
    }

    private static void require(String failure) {
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /** Runs a command; null when it succeeded, else what it printed. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + " did not finish";
        }
        return p.exitValue() == 0 ? null : String.join(" ", command) + ": " + out.trim();
    }
}
