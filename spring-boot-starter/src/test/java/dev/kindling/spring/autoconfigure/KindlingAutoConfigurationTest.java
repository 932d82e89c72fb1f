package dev.kindling.spring.autoconfigure;

import dev.kindling.core.io.DataDirectoryInUseException;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.device.DevicePool;
import dev.kindling.core.device.WorkerDevice;
import dev.kindling.core.tensor.Device;
import dev.kindling.spring.classifier.Classifier;
import dev.kindling.spring.classifier.ClassifierAutoConfiguration;
import dev.kindling.spring.config.ConfigurationCheckAutoConfiguration;
import dev.kindling.spring.config.InvalidKindlingPropertyException;
import dev.kindling.spring.device.DevicePoolAutoConfiguration;
import dev.kindling.spring.device.DeviceRouter;
import dev.kindling.spring.device.GuardSettings;
import dev.kindling.spring.device.GuardedDevice;
import dev.kindling.spring.embedding.EmbeddingCacheAutoConfiguration;
import dev.kindling.spring.embedding.EmbeddingCaches;
import dev.kindling.spring.finetune.FineTuningAutoConfiguration;
import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.ClassificationService;
import dev.kindling.core.serving.model.ModelInitializer;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.spring.model.ModelsAutoConfiguration;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.spring.observability.KindlingHealthIndicator;
import dev.kindling.spring.observability.KindlingMetrics;
import dev.kindling.spring.observability.ObservabilityAutoConfiguration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Every condition of the starter's auto-configurations, with ApplicationContextRunner. */
class KindlingAutoConfigurationTest {

    @TempDir
    static Path models;

    static Path hsmFile;
    static Path treeFile;
    static Path softmaxFile;

    @TempDir
    Path data;

    @BeforeAll
    static void trainModels() {
        hsmFile = TestModels.trainedFile(models, TrainingArgs.Loss.HSM);
        treeFile = TestModels.trainedFile(models, TrainingArgs.Loss.HS);
        softmaxFile = TestModels.trainedFile(models, TrainingArgs.Loss.SOFTMAX);
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ConfigurationCheckAutoConfiguration.class, DevicePoolAutoConfiguration.class,
                        EmbeddingCacheAutoConfiguration.class, ModelsAutoConfiguration.class, FineTuningAutoConfiguration.class,
                        ClassifierAutoConfiguration.class, ObservabilityAutoConfiguration.class))
                .withPropertyValues("kindling.fine-tuning.directory=" + data);
    }

    /** Two contexts on one data directory: the second fails to start, naming the directory and this process's pid. */
    @Test
    void aSecondContextOnTheSameDataDirectoryIsRefused() {
        String model = "kindling.models.topics.checkpoint=" + treeFile;
        runner().withPropertyValues(model).run(first -> {
            assertThat(first).hasNotFailed();
            runner().withPropertyValues(model).run(second -> {
                assertThat(second).hasFailed();
                assertThat(second.getStartupFailure()).rootCause().isInstanceOf(DataDirectoryInUseException.class)
                        .hasMessageContaining(data.toRealPath().toString()).hasMessageContaining("pid " + ProcessHandle.current().pid());
            });
            assertThat(first.getBean(FineTuningService.class).submit("topics", LabelledExample.of("goal match", "sport"))).isEqualTo(1);
        });
        runner().withPropertyValues(model).run(after -> assertThat(after).hasNotFailed());   // the first released it on close
    }

    @Test
    void defaultsGiveCpuRouterCachesRegistryAndServicesWithoutModels() {
        runner().run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx).hasSingleBean(DeviceRouter.class).hasSingleBean(EmbeddingCaches.class)
                    .hasSingleBean(ModelRegistry.class).hasSingleBean(ClassificationService.class)
                    .hasSingleBean(FineTuningService.class).hasSingleBean(KindlingMetrics.class)
                    .hasSingleBean(KindlingHealthIndicator.class);
            assertThat(ctx.getBean(DeviceRouter.class).devices()).hasSize(1);
            assertThat(ctx.getBean(DeviceRouter.class).devices().get(0).isCpu()).isTrue();
            assertThat(ctx.getBean(ModelRegistry.class).all()).isEmpty();
        });
    }

    @Test
    void cudaAbsentRegistersNoAcceleratorAndServesOnCpu() {
        runner().withPropertyValues("kindling.routing.devices=cuda:0,cuda:1").run(ctx -> {
            assertThat(ctx.getBean(DevicePool.class).devices()).extracting(d -> d.device().toString()).containsExactly("cpu:0");
            assertThat(ctx.getBean(DeviceRouter.class).devices()).extracting(Device::toString).containsExactly("cpu:0");
        });
    }

    /** A pool the application supplies (here with a stand-in accelerator) is routed over, as kindling.routing.devices selects. */
    @Test
    void anApplicationDevicePoolIsRoutedUnlessDeselected() {
        java.util.function.Supplier<DevicePool> pool = () -> DevicePool.of(List.of(
                new WorkerDevice(Device.cuda(3), 8, Duration.ofSeconds(1)), new WorkerDevice(Device.CPU, 8, Duration.ofSeconds(1))));
        runner().withBean(DevicePool.class, pool)
                .withPropertyValues("kindling.routing.device-guards.cuda-3.max-concurrent-calls=2").run(ctx -> {
                    List<GuardedDevice> ds = ctx.getBean(DeviceRouter.class).guardedDevices();
                    assertThat(ds).extracting(g -> g.device().device().toString()).containsExactly("cuda:3", "cpu:0");
                    assertThat(ds.get(0).settings().maxConcurrentCalls()).isEqualTo(2);
                    assertThat(ctx.getBean(ModelRegistry.class).all()).isEmpty();
                });
        runner().withBean(DevicePool.class, pool).withPropertyValues("kindling.routing.devices=cpu").run(ctx ->
                assertThat(ctx.getBean(DeviceRouter.class).devices()).extracting(Device::toString).containsExactly("cpu:0"));
    }

    @Test
    void userBeansReplaceTheDefaults() {
        DeviceRouter custom = new DeviceRouter(List.of(new GuardedDevice(new WorkerDevice(Device.CPU, 8, Duration.ofSeconds(1)),
                new GuardSettings(3, Duration.ZERO, Duration.ofSeconds(1), 50f, Duration.ofSeconds(1), 5, 5, Duration.ofSeconds(1), 1))));
        runner().withBean(DeviceRouter.class, () -> custom).run(ctx -> {
            assertThat(ctx).hasSingleBean(DeviceRouter.class);
            assertThat(ctx.getBean(DeviceRouter.class)).isSameAs(custom);
        });
        EmbeddingCaches caches = new EmbeddingCaches(new dev.kindling.spring.embedding.EmbeddingCacheProperties(), null);
        runner().withBean(EmbeddingCaches.class, () -> caches).run(ctx -> assertThat(ctx.getBean(EmbeddingCaches.class)).isSameAs(caches));
    }

    @Test
    void eachConfiguredModelIsABeanAndGetsFineTuning() {
        runner().withPropertyValues("kindling.models.topics.checkpoint=" + hsmFile, "kindling.models.topics.type=hsm",
                "kindling.models.plain.checkpoint=" + softmaxFile, "kindling.models.plain.fine-tuning=false").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBeansOfType(ServedModel.class)).as("engine internals are no beans").isEmpty();
            assertThat(ctx.getBeansOfType(Classifier.class)).containsOnlyKeys("kindling.classifier.topics", "kindling.classifier.plain");
            assertThat(ctx.getBean("kindling.classifier.topics", Classifier.class).info().labels()).isEqualTo(5);
            FineTuningService ft = ctx.getBean(FineTuningService.class);
            assertThat(ft.tuners()).extracting(t -> t.model().name()).containsExactly("topics");
            assertThat(ctx.getBean(ClassificationService.class).classify("topics", "oven flour butter", 2).labels().get(0).label())
                    .isEqualTo("cooking");
        });
    }

    @Test
    void fineTuningCanBeSwitchedOff() {
        runner().withPropertyValues("kindling.fine-tuning.enabled=false", "kindling.models.topics.checkpoint=" + hsmFile).run(ctx -> {
            assertThat(ctx).doesNotHaveBean(FineTuningService.class);
            assertThat(ctx).hasSingleBean(ModelRegistry.class);
        });
    }

    @Test
    void healthIndicatorOnlyWithTheHealthModule() {
        runner().withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx).doesNotHaveBean(KindlingHealthIndicator.class);
        });
    }

    @Test
    void metricsBindToARegistry() {
        runner().withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("kindling.models.topics.checkpoint=" + hsmFile).run(ctx -> {
                    SimpleMeterRegistry meters = ctx.getBean(SimpleMeterRegistry.class);
                    ctx.getBean(KindlingMetrics.class).bindTo(meters);
                    ctx.getBean(ClassificationService.class).classify("topics", "rain and snow", null);
                    assertThat(meters.find("kindling.inference.latency").timer()).isNotNull();
                    assertThat(meters.find("kindling.inference.latency").timer().count()).isEqualTo(1);
                    assertThat(meters.find("kindling.model.labels").gauge().value()).isEqualTo(5.0);
                });
    }

    @Test
    void missingCheckpointUsesAnInitializerOrFailsClearly() {
        ModelInitializer init = (name, settings) -> Optional.of(TestModels.train(TrainingArgs.Loss.HS));
        runner().withBean(ModelInitializer.class, () -> init)
                .withPropertyValues("kindling.models.fresh.checkpoint=" + data.resolve("absent.bin")).run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(ModelRegistry.class).get("fresh").labelCount()).isEqualTo(5);
                });
        runner().withPropertyValues("kindling.models.fresh.checkpoint=" + data.resolve("absent.bin")).run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("absent.bin").hasMessageContaining("does not exist");
        });
    }

    @Test
    void badSettingsFailWithClearMessages() {
        runner().withPropertyValues("kindling.routing.devices=cuda:zero").run(ctx ->
                assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("cuda:zero"));
        runner().withPropertyValues("kindling.models.topics.checkpoint=" + softmaxFile, "kindling.models.topics.type=hsm").run(ctx ->
                assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("configured as HSM"));
        runner().withPropertyValues("kindling.models.topics.checkpoint=" + treeFile, "kindling.models.topics.type=hsm").run(ctx ->
                assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("configured as HSM but its checkpoint holds a HS"));
        runner().withPropertyValues("kindling.models.topics.checkpoint=" + treeFile, "kindling.models.topics.type=hs").run(ctx ->
                assertThat(ctx).hasNotFailed());
        runner().withPropertyValues("kindling.models.topics.checkpoint=" + hsmFile, "kindling.fine-tuning.batch-size=0").run(ctx ->
                assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("batchSize"));
        runner().withPropertyValues("kindling.models.topics.checkpoint=" + hsmFile, "kindling.models.topics.k=0").run(ctx ->
                assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("models[topics].k"));
        runner().withPropertyValues("kindling.routing.default-guard.max-concurrent-calls=0").run(ctx ->
                assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("maxConcurrentCalls"));
        runner().withPropertyValues("kindling.fine-tuning.batch-size=20", "kindling.fine-tuning.queue-capacity=10").run(ctx ->
                assertThat(ctx.getStartupFailure()).rootCause().isInstanceOf(InvalidKindlingPropertyException.class)
                        .hasMessageContaining("queue-capacity >= batch-size"));
    }
}
