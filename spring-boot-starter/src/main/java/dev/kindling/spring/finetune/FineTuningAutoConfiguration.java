package dev.kindling.spring.finetune;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.spring.model.ModelsAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Online fine-tuning ({@code kindling.fine-tuning.*}), on unless {@code kindling.fine-tuning.enabled=false}: the
 * engine's {@link FineTuningService} as a bean (the engine owns and closes it).
 */
@AutoConfiguration(after = ModelsAutoConfiguration.class)
@ConditionalOnProperty(prefix = "kindling.fine-tuning", name = "enabled", matchIfMissing = true)
@ConditionalOnBean(ServingEngine.class)
public class FineTuningAutoConfiguration {

    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public FineTuningService kindlingFineTuningService(ServingEngine engine) {
        return engine.fineTuning();
    }
}
