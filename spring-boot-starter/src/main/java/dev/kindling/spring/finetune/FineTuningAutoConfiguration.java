package dev.kindling.spring.finetune;

import dev.kindling.spring.model.ModelRegistry;
import dev.kindling.spring.model.ModelsAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.io.IOException;

/** Online fine-tuning ({@code kindling.fine-tuning.*}), on unless {@code kindling.fine-tuning.enabled=false}. */
@AutoConfiguration(after = ModelsAutoConfiguration.class)
@ConditionalOnProperty(prefix = "kindling.fine-tuning", name = "enabled", matchIfMissing = true)
@ConditionalOnBean(ModelRegistry.class)
@EnableConfigurationProperties(FineTuningProperties.class)
public class FineTuningAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public FineTuningService kindlingFineTuningService(ModelRegistry models, FineTuningProperties properties,
                                                       ObjectProvider<ModelFineTuner.Listener> listener) throws IOException {
        return new FineTuningService(models, properties, listener.getIfAvailable());
    }
}
