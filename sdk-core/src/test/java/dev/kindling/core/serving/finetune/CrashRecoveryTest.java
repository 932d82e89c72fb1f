package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.serving.model.ServedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills a fine-tuning process with SIGKILL in the middle of a stream of feedback (no shutdown hook, no
 * final checkpoint), restarts on the same data directory, and counts: every acknowledged example is
 * in the model, each exactly once, and the checkpoint it restarted from is readable.
 */
class CrashRecoveryTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyAcknowledgedExampleSurvivesAKill() throws Exception {
        Path model = TestModels.trainedFile(dir, TrainingArgs.Loss.HS);
        Path data = dir.resolve("data");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                CrashingFineTuner.class.getName(), data.toString(), model.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long lastAck = 0;
        int acks = 0;
        Path current = data.resolve("topics").resolve("checkpoints").resolve("CURRENT");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    lastAck = Long.parseLong(line.substring(4));
                    acks++;
                }
                // Kill mid-stream once checkpoints have been written, so recovery needs checkpoint + log tail.
                if (acks >= 600 && Files.exists(current)) {
                    child.toHandle().destroyForcibly();   // SIGKILL; unlike Process.destroy it leaves our end of the pipe open
                    break;
                }
            }
            child.waitFor(30, TimeUnit.SECONDS);
            while ((line = out.readLine()) != null) {   // acknowledgements printed before the kill landed
                if (line.startsWith("ACK ")) {
                    lastAck = Long.parseLong(line.substring(4));
                    acks++;
                }
            }
        }
        assertTrue(acks >= 600, "the child should have acknowledged examples before being killed, got " + acks);
        assertEquals(acks, lastAck, "sequences are 1, 2, 3, ... for one submitting thread");

        ModelRegistry registry = new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null);
        ServedModel m = registry.get("topics");
        long fromCheckpoint = m.examplesApplied();
        assertTrue(fromCheckpoint > 0, "the restart should begin from a fine-tuning checkpoint");
        try (FineTuningService service = new FineTuningService(registry, CrashingFineTuner.fineTuning(data), null)) {
            long applied = m.examplesApplied();
            System.out.printf("crash test: %d acknowledged, %d in the checkpoint, %d after replaying the log%n", acks, fromCheckpoint, applied);
            assertTrue(applied >= acks, "every acknowledged example must be in the model: " + applied + " < " + acks);
            assertTrue(applied <= acks + 1, "at most the one example being logged when the kill came may be extra: " + applied);
            assertEquals(m.appliedSequence(), applied, "each logged example applied exactly once");
            // What the restart replayed goes into the next checkpoint (so the log can be trimmed).
            service.tuner("topics").checkpointIfChanged();
            assertEquals(applied, registry.checkpointStore("topics").current().orElseThrow().walSequence());
            for (int i = 0; i < 7; i++) {
                assertTrue(m.classifier().dictionary().labelId("__label__fresh" + i) >= 0, "label fresh" + i + " learned from feedback");
            }
            // The service keeps working after recovery.
            long next = service.submit("topics", CrashingFineTuner.example(1_000_000));
            assertEquals(applied + 1, next);
            assertTrue(service.tuner("topics").awaitApplied(Duration.ofSeconds(10)));
            assertEquals(applied + 1, m.examplesApplied());
        }
    }
}
