package dev.kindling.spring.model;

import dev.kindling.core.serving.ClassificationService;
import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.finetune.FineTuningSettings;
import dev.kindling.core.serving.finetune.ModelFineTuner;
import dev.kindling.core.serving.log.UpdateLogFactory;
import dev.kindling.core.serving.model.ModelInitializer;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.spring.config.InvalidKindlingPropertyException;
import dev.kindling.spring.config.RequestLimitsProperties;
import dev.kindling.spring.device.DevicePoolAutoConfiguration;
import dev.kindling.spring.device.DeviceRouter;
import dev.kindling.spring.embedding.EmbeddingCacheAutoConfiguration;
import dev.kindling.spring.embedding.EmbeddingCaches;
import dev.kindling.spring.finetune.FineTuningProperties;
import dev.kindling.spring.observability.CpuKernelSet;
import dev.kindling.spring.fleet.FleetMembership;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

import java.io.IOException;
import java.time.Duration;

/**
 * The serving engine of {@code kindling.models.*}, {@code kindling.fine-tuning.*} and {@code kindling.request-limits.*}:
 * properties become the engine's settings, model locations become local files, the starter's guarded
 * {@link DeviceRouter} routes its classifications, Caffeine caches its input rows, Micrometer hears its updates, and
 * Spring's lifecycle stops it. An {@link UpdateLogFactory} bean (another module's auto-configuration, e.g. a distributed
 * log) replaces the local write-ahead log. Exposes the engine, its {@link ModelRegistry} and {@link ClassificationService} for
 * operations; applications use the {@code Classifier} beans.
 */
@AutoConfiguration(after = {DevicePoolAutoConfiguration.class, EmbeddingCacheAutoConfiguration.class},
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@EnableConfigurationProperties({KindlingModelProperties.class, FineTuningProperties.class, RequestLimitsProperties.class})
public class ModelsAutoConfiguration {

    /** Spring's default of {@code spring.lifecycle.timeout-per-shutdown-phase}. */
    private static final Duration SPRING_SHUTDOWN_PHASE_DEFAULT = Duration.ofSeconds(30);

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(ServingEngine.class)
    static class Engine {

        /** Closed by {@link ServingEngineLifecycle}, in Spring's shutdown order. */
        @Bean(destroyMethod = "")
        ServingEngine kindlingServingEngine(KindlingModelProperties properties, FineTuningProperties fineTuning,
                                            RequestLimitsProperties limits, DeviceRouter router, ResourceLoader resources,
                                            Environment environment, ObjectProvider<ModelInitializer> initializers,
                                            ObjectProvider<EmbeddingCaches> caches, ObjectProvider<ModelFineTuner.Listener> updateListener,
                                            ObjectProvider<ClassificationService.Observer> observer,
                                            ObjectProvider<UpdateLogFactory> updateLogs, ObjectProvider<FleetMembership> fleet,
                                            ApplicationEventPublisher events) throws IOException {
            CpuKernelSet.warnOnceIfScalar();
            Duration phase = Binder.get(environment).bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
                    .orElse(SPRING_SHUTDOWN_PHASE_DEFAULT);
            ModelFiles files = new ModelFiles(resources, fineTuning.getDirectory());
            ServingEngine.Builder b = ServingEngine.builder()
                    .dataDirectory(fineTuning.getDirectory())
                    .fineTuning(fineTuning.isEnabled() ? withModels(fineTuning.toSettings(phase), properties, files) : null)
                    .gateListener(events::publishEvent)   // GateEvents become application events (@EventListener GateEvent)
                    .router(router)
                    .limits(limits.toLimits())
                    .updateListener(updateListener.getIfAvailable())
                    .classificationObserver(observer.getIfAvailable())
                    .updateLogs(updateLogs.getIfAvailable());   // another module's log (e.g. a distributed one); null: the local WAL
            fleet.ifAvailable(f -> b.fleet(f.logs(), f.catchUp()));   // kindling.fine-tuning.log=kafka: replicas learn as one
            properties.getModels().forEach((name, m) ->
                    b.model(m.toSettings(name, files.resolve(name, m.getCheckpoint()), fineTuning.isEnabled())));
            initializers.orderedStream().forEach(b::initializer);
            EmbeddingCaches c = caches.getIfAvailable();
            if (c != null && c.enabled()) {
                b.rowCaches(m -> c.forModel(m.name(), () -> m.servingClassifier().inputTable()));   // what classification reads
            }
            return b.start();
        }

        /** The service's fine-tuning settings with each model's own tuning and guardrails. */
        private static FineTuningSettings withModels(FineTuningSettings settings, KindlingModelProperties properties, ModelFiles files) {
            FineTuningSettings.Builder b = settings.toBuilder();
            properties.getModels().forEach((name, m) -> b.model(name, m.toTuning(name, location -> files.resolve(name, "guardrails.gate.held-out", location))));
            try {
                return b.build();
            } catch (IllegalArgumentException e) {
                String model = e.getMessage().replaceFirst("^model '([^']*)'.*", "$1");
                throw new InvalidKindlingPropertyException("kindling.models." + model + ".tuning", null, e.getMessage(),
                        "Change kindling.models." + model + ".tuning.* (or the kindling.fine-tuning.* value it inherits) as the message says.");
            }
        }

        @Bean
        ServingEngineLifecycle kindlingServingEngineLifecycle(ServingEngine kindlingServingEngine) {
            return new ServingEngineLifecycle(kindlingServingEngine);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    public ModelRegistry kindlingModelRegistry(ServingEngine engine) {
        return engine.models();
    }

    @Bean
    @ConditionalOnMissingBean
    public ClassificationService kindlingClassificationService(ServingEngine engine) {
        return engine.classification();
    }
}
