package dev.kindling.spring.classifier;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.spring.model.KindlingModelProperties;
import dev.kindling.spring.model.ModelsAutoConfiguration;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The API applications inject: {@link Classifiers} and one {@link Classifier} per model (by qualifier), observed through
 * the application's {@link ObservationRegistry} when it has one. Feedback is logged on a Spring task executor of virtual
 * threads ({@code kindling-feedback-}), which the context closes after waiting for the appends in progress.
 */
@AutoConfiguration(after = ModelsAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnBean(ServingEngine.class)
public class ClassifierAutoConfiguration {

    @Bean
    static ClassifierBeansRegistrar kindlingClassifierBeansRegistrar() {
        return new ClassifierBeansRegistrar();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(name = "kindlingFeedbackExecutor")
    SimpleAsyncTaskExecutor kindlingFeedbackExecutor() {
        SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("kindling-feedback-");
        executor.setVirtualThreads(true);
        executor.setTaskTerminationTimeout(10_000);   // an fsync'd append takes milliseconds; never wait long for one
        return executor;
    }

    @Bean
    @ConditionalOnMissingBean
    public Classifiers kindlingClassifiers(ServingEngine engine, KindlingModelProperties properties,
                                           ObjectProvider<ObservationRegistry> observations,
                                           @Qualifier("kindlingFeedbackExecutor") Executor feedbackExecutor) {
        ObservationRegistry registry = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
        Map<String, Classifier> byName = new LinkedHashMap<>();
        engine.models().all().forEach(m -> {
            KindlingModelProperties.Model p = properties.getModels().get(m.name());
            float threshold = p != null ? p.getThreshold() : 0f;
            byName.put(m.name(), new EngineClassifier(engine, m.name(), threshold, registry, feedbackExecutor));
        });
        return new EngineClassifiers(engine, byName);
    }
}
