package dev.kindling.spring.model;

import dev.kindling.spring.device.DevicePoolAutoConfiguration;
import dev.kindling.spring.device.DeviceRouter;
import dev.kindling.spring.embedding.EmbeddingCacheAutoConfiguration;
import dev.kindling.spring.embedding.EmbeddingCaches;
import dev.kindling.spring.finetune.FineTuningProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The models of {@code kindling.models.*}: a {@link ModelRegistry} that loads them, one
 * {@link ServedModel} bean per model, and the {@link ClassificationService} that runs them on the
 * device pool.
 */
@AutoConfiguration(after = {DevicePoolAutoConfiguration.class, EmbeddingCacheAutoConfiguration.class},
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@EnableConfigurationProperties({KindlingModelProperties.class, FineTuningProperties.class})
public class ModelsAutoConfiguration {

    @Bean
    static ModelBeansRegistrar kindlingModelBeansRegistrar() {
        return new ModelBeansRegistrar();
    }

    @Bean
    @ConditionalOnMissingBean
    public ModelRegistry kindlingModelRegistry(KindlingModelProperties properties, FineTuningProperties fineTuning,
                                               ObjectProvider<ModelInitializer> initializers, ObjectProvider<EmbeddingCaches> caches) {
        return new ModelRegistry(properties, fineTuning.getDirectory(), initializers.orderedStream().toList(), caches.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean
    public ClassificationService kindlingClassificationService(ModelRegistry models, DeviceRouter router,
                                                               ObjectProvider<MeterRegistry> meters) {
        return new ClassificationService(models, router, meters.getIfAvailable());
    }
}
