package dev.kindling.spring.model;

import dev.kindling.core.serving.ClassificationService;
import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.finetune.ModelFineTuner;
import dev.kindling.core.serving.model.ModelInitializer;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.spring.device.DevicePoolAutoConfiguration;
import dev.kindling.spring.device.DeviceRouter;
import dev.kindling.spring.embedding.EmbeddingCacheAutoConfiguration;
import dev.kindling.spring.embedding.EmbeddingCaches;
import dev.kindling.spring.finetune.FineTuningProperties;
import dev.kindling.spring.fleet.FleetMembership;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.io.IOException;

/**
 * The serving engine of {@code kindling.models.*} and {@code kindling.fine-tuning.*}: properties become the
 * engine's settings, the starter's guarded {@link DeviceRouter} routes its classifications, Caffeine caches its
 * input rows, Micrometer hears its updates. Exposes the engine's {@link ModelRegistry} and
 * {@link ClassificationService}, and one {@code ServedModel} bean per model.
 */
@AutoConfiguration(after = {DevicePoolAutoConfiguration.class, EmbeddingCacheAutoConfiguration.class},
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@EnableConfigurationProperties({KindlingModelProperties.class, FineTuningProperties.class})
public class ModelsAutoConfiguration {

    @Bean
    static ModelBeansRegistrar kindlingModelBeansRegistrar() {
        return new ModelBeansRegistrar();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ServingEngine kindlingServingEngine(KindlingModelProperties properties, FineTuningProperties fineTuning, DeviceRouter router,
                                               ObjectProvider<ModelInitializer> initializers, ObjectProvider<EmbeddingCaches> caches,
                                               ObjectProvider<ModelFineTuner.Listener> updateListener,
                                               ObjectProvider<ClassificationService.Observer> observer,
                                               ObjectProvider<FleetMembership> fleet) throws IOException {
        ServingEngine.Builder b = ServingEngine.builder()
                .dataDirectory(fineTuning.getDirectory())
                .fineTuning(fineTuning.isEnabled() ? fineTuning.toSettings() : null)
                .router(router)
                .limits(properties.getRequestLimits().toLimits())
                .updateListener(updateListener.getIfAvailable())
                .classificationObserver(observer.getIfAvailable());
        fleet.ifAvailable(f -> b.fleet(f.logs(), f.catchUp()));
        properties.toSettings(fineTuning.isEnabled()).forEach(b::model);
        initializers.orderedStream().forEach(b::initializer);
        EmbeddingCaches c = caches.getIfAvailable();
        if (c != null && c.enabled()) {
            b.rowCaches(m -> c.forModel(m.name(), () -> m.classifier().inputTable()));
        }
        return b.start();
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
