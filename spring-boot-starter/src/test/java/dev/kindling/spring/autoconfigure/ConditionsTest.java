package dev.kindling.spring.autoconfigure;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.finetune.FineTuningSettings;
import dev.kindling.core.serving.log.UpdateLogFactory;
import dev.kindling.core.serving.model.ModelSettings;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.spring.StarterFixtures;
import dev.kindling.spring.classifier.Classifiers;
import dev.kindling.spring.device.DeviceRouter;
import dev.kindling.spring.model.ServingEngineLifecycle;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.task.SyncTaskExecutor;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The conditions added with the Classifier API, the registries and the lifecycle: each default backs off for the application's bean. */
class ConditionsTest {

    @TempDir
    Path data;

    @Test
    void anApplicationsEngineIsServedByTheClassifiersAndClosedByItsOwner() throws Exception {
        Path model = StarterFixtures.model(TrainingArgs.Loss.HSM);
        try (ServingEngine own = ServingEngine.builder().dataDirectory(data.resolve("own"))
                .model(ModelSettings.builder("mine").checkpoint(model).build()).fineTuning(FineTuningSettings.defaults()).start()) {
            StarterFixtures.runner(data).withBean(ServingEngine.class, () -> own).run(ctx -> {
                assertThat(ctx).hasNotFailed();
                assertThat(ctx).doesNotHaveBean(ServingEngineLifecycle.class);
                assertThat(ctx.getBean(Classifiers.class).names()).containsExactly("mine");
            });
            assertThat(own.classify("mine", "rain snow", 1).labels()).hasSize(1);   // the context did not close it
        }
    }

    @Test
    void theApplicationsResilience4jRegistriesHoldTheGuards() {
        BulkheadRegistry mine = BulkheadRegistry.ofDefaults();
        StarterFixtures.runner(data).withBean(BulkheadRegistry.class, () -> mine).run(ctx -> {
            assertThat(ctx.getBean(BulkheadRegistry.class)).isSameAs(mine);
            assertThat(mine.find("kindling-cpu:0")).isPresent();
            assertThat(ctx.getBean(DeviceRouter.class).guardedDevices().getFirst().bulkhead()).isSameAs(mine.find("kindling-cpu:0").get());
        });
    }

    @Test
    void anApplicationsFeedbackExecutorReplacesTheDefault() {
        SyncTaskExecutor sync = new SyncTaskExecutor();
        StarterFixtures.runner(data).withBean("kindlingFeedbackExecutor", SyncTaskExecutor.class, () -> sync)
                .withPropertyValues("kindling.models.topics.checkpoint=" + StarterFixtures.model(TrainingArgs.Loss.HSM)).run(ctx -> {
                    assertThat(ctx.getBean("kindlingFeedbackExecutor")).isSameAs(sync);
                    var receipt = ctx.getBean(Classifiers.class).get("topics").feedback("rain snow", "weather");
                    assertThat(receipt).as("a synchronous executor logs before feedback returns").isDone();
                    receipt.join().awaitApplied(Duration.ofSeconds(20));
                });
    }

    @Test
    void anApplicationsClassifiersReplaceTheStarters() {
        Classifiers mine = org.mockito.Mockito.mock(Classifiers.class);
        StarterFixtures.runner(data).withBean(Classifiers.class, () -> mine).run(ctx -> {
            assertThat(ctx.getBean(Classifiers.class)).isSameAs(mine);
            assertThat(ctx).doesNotHaveBean("kindlingClassifiers");
        });
    }

    @Test
    void anUpdateLogFactoryBeanReplacesTheLocalLog() {
        java.util.List<String> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
        UpdateLogFactory local = UpdateLogFactory.local(1 << 20, m -> null);
        UpdateLogFactory mine = (model, dir) -> {
            opened.add(model);
            return local.open(model, dir);
        };
        StarterFixtures.runner(data).withBean(UpdateLogFactory.class, () -> mine)
                .withPropertyValues("kindling.models.topics.checkpoint=" + StarterFixtures.model(TrainingArgs.Loss.HSM)).run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(opened).containsExactly("topics");
                });
    }

    @Test
    void withoutFineTuningTheClassifiersServeAndRefuseFeedback() {
        StarterFixtures.runner(data).withPropertyValues("kindling.fine-tuning.enabled=false",
                "kindling.models.topics.checkpoint=" + StarterFixtures.model(TrainingArgs.Loss.HSM)).run(ctx -> {
                    assertThat(ctx.getBean(Classifiers.class).get("topics").classify("rain snow").labels()).isNotEmpty();
                    assertThat(ctx.getBean(Classifiers.class).get("topics").info().fineTuning()).isFalse();
                });
    }
}
