package dev.kindling.spring.device;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;

/**
 * The Resilience4j registries the devices' guards are created in, so that whatever watches a registry sees them
 * (resilience4j-micrometer's tagged metrics, an application's own event consumers, Resilience4j's Spring Boot
 * integration when it supplies these registries as beans).
 */
public record GuardRegistries(CircuitBreakerRegistry circuitBreakers, BulkheadRegistry bulkheads, TimeLimiterRegistry timeLimiters) {

    /** Fresh registries of Resilience4j's defaults (tests, or an application without registry beans). */
    public static GuardRegistries ofDefaults() {
        return new GuardRegistries(CircuitBreakerRegistry.ofDefaults(), BulkheadRegistry.ofDefaults(), TimeLimiterRegistry.ofDefaults());
    }
}
