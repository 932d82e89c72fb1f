package dev.kindling.spring.embedding;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** The embedding-row caches ({@code kindling.embedding-cache.*}). */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@EnableConfigurationProperties(EmbeddingCacheProperties.class)
public class EmbeddingCacheAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public EmbeddingCaches kindlingEmbeddingCaches(EmbeddingCacheProperties properties, ObjectProvider<MeterRegistry> meters) {
        return new EmbeddingCaches(properties, meters.getIfAvailable());
    }
}
