package dev.kindling.spring.observability;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A JVM started without --add-modules jdk.incubator.vector is told so once, with the exact option; this one runs the vector kernels. */
class CpuKernelSetTest {

    @Test
    void thisJvmRunsTheVectorKernels() {
        assertThat(CpuKernelSet.current()).isEqualTo("vector");
    }

    @Test
    void aJvmWithoutTheModuleWarnsOnceWithTheFlag() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ScalarKernelsChild.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("kernels: scalar");
        assertThat(out.split("--add-modules jdk.incubator.vector", -1).length - 1).as(out).isEqualTo(3);   // one WARN names it three times
        assertThat(out).containsOnlyOnce("plain Java loops");
    }
}
