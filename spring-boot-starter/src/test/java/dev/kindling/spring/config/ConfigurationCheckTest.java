package dev.kindling.spring.config;

import dev.kindling.core.text.TrainingArgs;
import dev.kindling.spring.StarterFixtures;
import dev.kindling.spring.classifier.Classifiers;
import dev.kindling.spring.device.DeviceRouter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Unknown and deprecated kindling.* keys: a typo fails the start with the nearest name; the old routing names still work. */
class ConfigurationCheckTest {

    @TempDir
    Path data;

    private ApplicationContextRunner runner() {
        return StarterFixtures.runner(data);
    }

    @Test
    void aTypoInAModelKeyFailsTheStartNamingTheKeyAndTheNearestOne() {
        runner().withPropertyValues("kindling.models.topics.chekpoint=" + StarterFixtures.model(TrainingArgs.Loss.HSM)).run(ctx -> {
            assertThat(ctx).hasFailed();
            InvalidKindlingPropertyException e = (InvalidKindlingPropertyException) ctx.getStartupFailure();
            assertThat(e.property()).isEqualTo("kindling.models.topics.chekpoint");
            assertThat(e.action()).contains("Did you mean kindling.models.topics.checkpoint?").contains("base-model-policy");
            FailureAnalysis analysis = new KindlingFailureAnalyzer().analyze(e);
            assertThat(analysis.getDescription()).contains("Property: kindling.models.topics.chekpoint").contains("has no key 'chekpoint'");
            assertThat(analysis.getAction()).contains("Did you mean");
        });
    }

    @Test
    void anUnknownGroupFailsTheStartNamingTheKnownOnes() {
        runner().withPropertyValues("kindling.modles.topics.checkpoint=/x.bin").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).isInstanceOf(InvalidKindlingPropertyException.class)
                    .hasMessageContaining("kindling.modles.topics.checkpoint").hasMessageContaining("kindling.models");
        });
        runner().withPropertyValues("kindling.fine-tuning.batch-sise=3").run(ctx ->
                assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("kindling.fine-tuning.batch-sise"));
    }

    @Test
    void knownSwitchesAreNoTypos() {
        runner().withPropertyValues("kindling.problem-details.enabled=false", "kindling.fine-tuning.enabled=false",
                "kindling.cpu.vector=true").run(ctx -> assertThat(ctx).hasNotFailed());
    }

    @Test
    void environmentVariablesOfOtherToolsAreNoTypos() {
        runner().withInitializer(ctx -> ctx.getEnvironment().getPropertySources().addLast(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of("KINDLING_HOME", "/srv/kindling",
                "KINDLING_JAVA_OPTS", "-Xmx2g")))).run(ctx -> assertThat(ctx).hasNotFailed());
    }

    @Test
    void theOldRoutingNamesStillWork() {
        runner().withInitializer(ctx -> new LegacyPropertyNames(new DeferredLogs()).postProcessEnvironment(ctx.getEnvironment(), null))
                .withPropertyValues("kindling.devices=cpu", "kindling.device.max-concurrent-calls=7",
                        "kindling.device-limits.cpu-0.max-wait=5ms").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getEnvironment().getProperty("kindling.routing.devices")).isEqualTo("cpu");
                    var cpu = ctx.getBean(DeviceRouter.class).guardedDevices().getFirst().settings();
                    assertThat(cpu.maxWait()).hasMillis(5);
                    assertThat(ctx.getEnvironment().getProperty("kindling.routing.default-guard.max-concurrent-calls")).isEqualTo("7");
                });
        assertThat(LegacyPropertyNames.replacement("kindling.routing.devices")).isNull();
    }

    @Test
    void aModelsOldDeviceKeyIsReadAsDevices() {
        runner().withPropertyValues("kindling.models.topics.checkpoint=" + StarterFixtures.model(TrainingArgs.Loss.HSM),
                "kindling.models.topics.device=cpu").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(Classifiers.class).get("topics").info().devices()).containsExactly("cpu:0");
                });
    }
}
