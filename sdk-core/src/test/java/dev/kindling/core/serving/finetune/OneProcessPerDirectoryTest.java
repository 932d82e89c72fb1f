package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.io.DataDirectoryInUseException;
import dev.kindling.core.io.DataDirectoryLock;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.model.ModelRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One data directory, one writer: a second process (a real child JVM) and a second service in this JVM
 * are refused at start with a message naming the directory and the holder's pid; a holder killed with
 * SIGKILL leaves no stale lock, and what it acknowledged is replayed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OneProcessPerDirectoryTest {

    @TempDir
    Path dir;

    private static Process child(Path data, Path model) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                OneProcessPerDirectoryChild.class.getName(), data.toString(), model.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** The child's output lines until it exits or prints a line starting with {@code until}. */
    private static String readUntil(BufferedReader out, String until) throws IOException {
        StringBuilder all = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            all.append(line).append('\n');
            if (line.startsWith(until)) {
                break;
            }
        }
        return all.toString();
    }

    @Test
    void aSecondProcessIsRefusedNamingDirectoryAndHolderPid() throws Exception {
        Path model = TestModels.trainedFile(dir, TrainingArgs.Loss.HS);
        Path data = dir.resolve("data");
        Process holder = child(data, model);
        try (BufferedReader holderOut = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            String started = readUntil(holderOut, "ACK ");
            assertTrue(started.contains("STARTED") && started.contains("ACK 1"), "the first process starts: " + started);
            Path real = data.toRealPath();

            Process second = child(data, model);
            // A second process that started (no lock) would never exit: it is killed after the wait.
            if (!second.waitFor(60, TimeUnit.SECONDS)) {
                second.destroyForcibly();
                throw new AssertionError("the second process should be refused at start, but it kept running");
            }
            String refused = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(3, second.exitValue(), refused);
            assertTrue(refused.contains("REFUSED") && refused.contains(real.toString()) && refused.contains("pid " + holder.pid()),
                    "the refusal names the directory and the holder's pid " + holder.pid() + ": " + refused);

            DataDirectoryInUseException here = assertThrows(DataDirectoryInUseException.class, () -> new FineTuningService(
                    new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null), CrashingFineTuner.fineTuning(data), null));
            assertEquals(holder.pid(), here.holderPid());
            assertTrue(holder.isAlive(), "refusing others does not disturb the holder");

            holder.toHandle().destroyForcibly();   // SIGKILL: the OS releases the lock, no stale lock file blocks a restart
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        } finally {
            holder.destroyForcibly();
        }
        ModelRegistry registry = new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null);
        try (FineTuningService service = new FineTuningService(registry, CrashingFineTuner.fineTuning(data), null)) {
            assertEquals(1, registry.get("topics").examplesApplied(), "the killed holder's acknowledged example is replayed");
            assertEquals(2, service.submit("topics", CrashingFineTuner.example(2)));
            assertTrue(service.tuner("topics").awaitApplied(Duration.ofSeconds(10)));
            assertEquals("pid=" + ProcessHandle.current().pid(), Files.readAllLines(data.resolve(DataDirectoryLock.FILE)).getFirst());
        }
    }

    @Test
    void aSecondServiceInThisProcessIsRefusedUntilTheFirstCloses() throws Exception {
        Path model = TestModels.trainedFile(dir, TrainingArgs.Loss.HS);
        Path data = dir.resolve("data");
        FineTuningService first = new FineTuningService(new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null),
                CrashingFineTuner.fineTuning(data), null);
        assertEquals(1, first.submit("topics", CrashingFineTuner.example(1)));
        DataDirectoryInUseException e = assertThrows(DataDirectoryInUseException.class, () -> new FineTuningService(
                new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null), CrashingFineTuner.fineTuning(data), null));
        assertEquals(ProcessHandle.current().pid(), e.holderPid());
        assertTrue(e.getMessage().contains(data.toRealPath().toString()), e.getMessage());
        assertEquals(2, first.submit("topics", CrashingFineTuner.example(2)), "the refused start did not disturb the first service");
        first.close();
        ModelRegistry registry = new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null);
        try (FineTuningService second = new FineTuningService(registry, CrashingFineTuner.fineTuning(data), null)) {
            assertEquals(2, registry.get("topics").examplesApplied());
            assertEquals(3, second.submit("topics", CrashingFineTuner.example(3)));
        }
    }

    /** A start that fails part-way (here: a corrupt log) leaves the directory unlocked. */
    @Test
    void aFailedStartReleasesTheLock() throws Exception {
        Path model = TestModels.trainedFile(dir, TrainingArgs.Loss.HS);
        Path data = dir.resolve("data");
        Path wal = data.resolve("topics").resolve("wal");
        Files.createDirectories(wal);
        Files.write(wal.resolve(String.format("wal-%020d.log", 5)), new byte[64]);
        Files.write(wal.resolve(String.format("wal-%020d.log", 9)), new byte[0]);
        assertThrows(IllegalStateException.class, () -> new FineTuningService(
                new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null), CrashingFineTuner.fineTuning(data), null));
        try (DataDirectoryLock lock = DataDirectoryLock.acquire(data)) {
            assertEquals(data.toRealPath(), lock.directory());
        }
    }
}
