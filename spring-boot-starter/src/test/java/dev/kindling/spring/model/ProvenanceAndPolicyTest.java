package dev.kindling.spring.model;

import dev.kindling.core.serving.model.BaseModelChangedException;
import dev.kindling.core.serving.model.ModelProvenance;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.spring.StarterFixtures;
import dev.kindling.spring.classifier.Classifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kindling.models.&lt;name&gt;.base-model-policy: a configured file replaced under fine-tuned checkpoints fails the start by
 * default, is kept or replaces them as the property says; provenance shows in health; the engine stops in Spring's lifecycle.
 */
class ProvenanceAndPolicyTest {

    @TempDir
    Path data;

    @TempDir
    Path models;

    @Test
    void theBaseModelPolicyPropertyDecidesWhatAChangedFileDoes() throws Exception {
        Path file = models.resolve("topics.bin");
        Files.copy(StarterFixtures.model(TrainingArgs.Loss.HSM), file);
        String model = "kindling.models.topics.checkpoint=" + file;
        StarterFixtures.runner(data).withPropertyValues(model, "kindling.fine-tuning.max-batch-delay=1ms").run(ctx -> {
            var topics = ctx.getBean(Classifiers.class).get("topics");
            topics.feedback("telescope orbit galaxy", "astronomy").get().awaitApplied(Duration.ofSeconds(20));
        });   // closing checkpoints the fine-tuned model
        Files.copy(StarterFixtures.model(TrainingArgs.Loss.SOFTMAX), file, StandardCopyOption.REPLACE_EXISTING);

        StarterFixtures.runner(data).withPropertyValues(model).run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().isInstanceOf(BaseModelChangedException.class);
        });
        StarterFixtures.runner(data).withPropertyValues(model, "kindling.models.topics.base-model-policy=keep-fine-tuned").run(ctx -> {
            ModelProvenance p = ctx.getBean(ModelRegistry.class).provenance("topics");
            assertThat(p.source()).isEqualTo(ModelProvenance.Source.FINE_TUNED_CHECKPOINT);
            assertThat(p.configuredFileChanged()).isTrue();
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> ms = (Map<String, Map<String, Object>>) ctx.getBean("kindlingHealthIndicator", HealthIndicator.class)
                    .health().getDetails().get("models");
            assertThat(ms.get("topics").get("provenance").toString()).contains("FINE_TUNED_CHECKPOINT").contains("configuredFileChanged=true");
        });
        StarterFixtures.runner(data).withPropertyValues(model, "kindling.models.topics.base-model-policy=replace").run(ctx -> {
            ModelProvenance p = ctx.getBean(ModelRegistry.class).provenance("topics");
            assertThat(p.source()).isEqualTo(ModelProvenance.Source.CONFIGURED_FILE);
            assertThat(ctx.getBean(Classifiers.class).get("topics").info().kind()).isEqualTo("softmax");
        });
    }

    @Test
    void theEngineStopsAfterTheWebServerInSpringsShutdownOrder() {
        StarterFixtures.runner(data).run(ctx -> {
            ServingEngineLifecycle lifecycle = ctx.getBean(ServingEngineLifecycle.class);
            assertThat(lifecycle.isRunning()).isTrue();
            assertThat(lifecycle.getPhase()).isLessThan(SmartLifecycle.DEFAULT_PHASE - 2048);
        });
    }

    @Test
    void theShutdownTimeoutIsSpringsUnlessSet() {
        var p = new dev.kindling.spring.finetune.FineTuningProperties();
        assertThat(p.toSettings(Duration.ofSeconds(7)).shutdownTimeout()).hasSeconds(7);
        p.setShutdownTimeout(Duration.ofSeconds(3));
        assertThat(p.toSettings(Duration.ofSeconds(7)).shutdownTimeout()).hasSeconds(3);
    }
}
