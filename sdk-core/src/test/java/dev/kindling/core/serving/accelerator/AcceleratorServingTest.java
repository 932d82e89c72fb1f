package dev.kindling.core.serving.accelerator;

import dev.kindling.core.serving.TestModels;
import dev.kindling.core.text.TrainingArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's accelerator path without a GPU: in a child JVM with a stand-in accelerator (host memory, the CPU's
 * kernels, faults on demand), a served model gets a replica there, classifications run there and equal the CPU's
 * answers, feedback reaches the replica (a new label is predicted there), and when the device fails every request
 * is still answered, by the CPU. The GPU itself was checked by the CUDA tests (CudaClassifierReplicaTest); this checks
 * the wiring around it.
 */
class AcceleratorServingTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aModelIsServedFromItsAcceleratorReplicaAndFallsBackToTheCpu() throws IOException, InterruptedException {
        Path model = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-Dkindling.test.standin=true",
                "-cp", System.getProperty("java.class.path"), AcceleratorServingChild.class.getName(), dir.resolve("data").toString(),
                model.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> lines = new ArrayList<>();
        for (String line : new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(line.trim());
            }
        }
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), () -> "the child failed: " + lines);
        assertEquals("REPLICAS [standin:0]", lines.get(0));
        assertTrue(lines.get(1).startsWith("FRESH device=standin:0 ") && lines.get(1).contains("sameAsCpu=true"), lines.get(1));
        assertTrue(lines.get(2).startsWith("LEARNED device=standin:0 ") && lines.get(2).contains("sameAsCpu=true")
                && lines.get(2).endsWith("top=astronomy"), "feedback reached the replica: " + lines.get(2));
        assertTrue(lines.get(3).startsWith("FAULTY device=cpu:0 ") && lines.get(3).contains("sameAsCpu=true")
                && lines.get(3).endsWith("top=astronomy"), "a failing device falls back to the CPU: " + lines.get(3));
    }
}
