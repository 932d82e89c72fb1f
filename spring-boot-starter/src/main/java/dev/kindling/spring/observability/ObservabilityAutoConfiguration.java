package dev.kindling.spring.observability;

import dev.kindling.spring.device.DevicePoolAutoConfiguration;
import dev.kindling.spring.device.DeviceRouter;
import dev.kindling.spring.finetune.FineTuningAutoConfiguration;
import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.spring.model.ModelsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Micrometer meters and the Actuator health indicator of Kindling, each when its library is present. */
@AutoConfiguration(after = {DevicePoolAutoConfiguration.class, ModelsAutoConfiguration.class, FineTuningAutoConfiguration.class})
public class ObservabilityAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class Metrics {

        @Bean
        @ConditionalOnMissingBean
        KindlingMetrics kindlingMetrics(DeviceRouter router, ObjectProvider<ModelRegistry> models,
                                        ObjectProvider<FineTuningService> fineTuning) {
            return new KindlingMetrics(router, models, fineTuning);
        }

        @Bean
        ApplicationListener<ApplicationReadyEvent> kindlingFineTuningMeters(KindlingMetrics metrics) {
            return event -> metrics.bindFineTuning();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class Health {

        @Bean(name = "kindlingHealthIndicator")
        @ConditionalOnMissingBean(name = "kindlingHealthIndicator")
        KindlingHealthIndicator kindlingHealthIndicator(DeviceRouter router, ObjectProvider<ModelRegistry> models,
                                                        ObjectProvider<FineTuningService> fineTuning) {
            return new KindlingHealthIndicator(router, models, fineTuning);
        }
    }
}
