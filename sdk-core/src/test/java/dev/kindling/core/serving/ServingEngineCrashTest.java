package dev.kindling.core.serving;

import dev.kindling.core.serving.model.Classification;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.text.TrainingArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The serving engine alone, as a plain Java service uses it: a child JVM whose class path holds no Spring serves a
 * model, classifies and takes feedback until it is killed with SIGKILL; the engine restarted on the same data
 * directory holds every acknowledged example exactly once and keeps learning.
 */
class ServingEngineCrashTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void servesLearnsAndLosesNothingToAKill() throws Exception {
        String classPath = System.getProperty("java.class.path");
        assertFalse(classPath.contains("spring"), "the engine's tests run without Spring on the class path: " + classPath);
        Path model = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
        Path data = dir.resolve("data");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp", classPath,
                EngineChild.class.getName(), data.toString(), model.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long lastAck = 0;
        int acks = 0;
        String ready = null;
        Path current = data.resolve("topics").resolve("checkpoints").resolve("CURRENT");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("READY ")) {
                    ready = line.substring(6);
                } else if (line.startsWith("ACK ")) {
                    lastAck = Long.parseLong(line.substring(4));
                    acks++;
                }
                if (acks >= 500 && Files.exists(current)) {
                    child.toHandle().destroyForcibly();   // SIGKILL: no shutdown hook, no final checkpoint
                    break;
                }
            }
            child.waitFor(30, TimeUnit.SECONDS);
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    lastAck = Long.parseLong(line.substring(4));
                    acks++;
                }
            }
        }
        assertEquals("cooking", ready, "the child classified before taking feedback");
        assertTrue(acks >= 500, "acknowledged before the kill: " + acks);
        assertEquals(acks, lastAck, "one submitting thread: sequences 1, 2, 3, ...");

        try (ServingEngine engine = EngineChild.start(data, model)) {
            ServedModel m = engine.model("topics");
            long applied = m.examplesApplied();
            assertTrue(applied >= acks, "every acknowledged example is in the model: " + applied + " < " + acks);
            assertTrue(applied <= acks + 1, "at most the example being logged when the kill came is extra: " + applied);
            assertEquals(m.appliedSequence(), applied, "each logged example applied exactly once");
            for (int i = 0; i < 7; i++) {
                assertTrue(m.classifier().dictionary().labelId("__label__fresh" + i) >= 0, "label fresh" + i + " learned");
            }
            ServingEngine.Acknowledgement ack = engine.feedback("topics", EngineChild.example(1_000_000));
            assertEquals(applied + 1, ack.sequence());
            assertEquals(applied + 1, ack.applied().get(10, TimeUnit.SECONDS), "the acknowledgement's signal completes once applied");
            assertEquals(applied + 1, m.examplesApplied());
            Classification c = engine.classify("topics", "feedback word3 about topic3", 3);
            assertEquals("cpu:0", c.device());
            assertTrue(c.version() > 1);
            assertTrue(engine.awaitApplied("topics", Duration.ofSeconds(5)));
        }
    }
}
