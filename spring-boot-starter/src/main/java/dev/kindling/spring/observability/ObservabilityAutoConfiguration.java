package dev.kindling.spring.observability;

import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.spring.device.DevicePoolAutoConfiguration;
import dev.kindling.spring.device.DeviceRouter;
import dev.kindling.spring.finetune.FineTuningAutoConfiguration;
import dev.kindling.spring.model.ModelsAutoConfiguration;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedTimeLimiterMetrics;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Micrometer meters and the Actuator health indicators of Kindling (serving: {@code kindling}; learning:
 * {@code kindlingLearning}), each when its library is present; the health indicators also only while
 * {@code management.health.kindling.enabled} is not false. With resilience4j-micrometer on the
 * class path, the devices' breakers, bulkheads and time limiters get Resilience4j's own tagged meters too.
 */
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
    @ConditionalOnClass({MeterRegistry.class, TaggedCircuitBreakerMetrics.class})
    static class ResilienceMetrics {

        @Bean
        @ConditionalOnMissingBean(name = "kindlingResilienceMetrics")
        MeterBinder kindlingResilienceMetrics(CircuitBreakerRegistry breakers, BulkheadRegistry bulkheads, TimeLimiterRegistry timeLimiters) {
            return registry -> {
                TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
                TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(registry);
                TaggedTimeLimiterMetrics.ofTimeLimiterRegistry(timeLimiters).bindTo(registry);
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("kindling")
    static class Health {

        @Bean(name = "kindlingHealthIndicator")
        @ConditionalOnMissingBean(name = "kindlingHealthIndicator")
        KindlingHealthIndicator kindlingHealthIndicator(DeviceRouter router, ObjectProvider<ModelRegistry> models) {
            return new KindlingHealthIndicator(router, models);
        }

        /** Learning apart from serving: a learning problem is a WARNING of this component, never a DOWN of the service. */
        @Bean(name = "kindlingLearningHealthIndicator")
        @ConditionalOnMissingBean(name = "kindlingLearningHealthIndicator")
        KindlingLearningHealthIndicator kindlingLearningHealthIndicator(ObjectProvider<FineTuningService> fineTuning) {
            return new KindlingLearningHealthIndicator(fineTuning);
        }
    }
}
