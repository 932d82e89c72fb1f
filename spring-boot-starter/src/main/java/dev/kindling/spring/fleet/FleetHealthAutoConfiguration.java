package dev.kindling.spring.fleet;

import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.spring.finetune.FineTuningAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The {@code kindlingFleet} health contributor, for a replica of a fleet with Spring Boot's health support present. */
@AutoConfiguration(after = {FineTuningAutoConfiguration.class, KafkaFleetAutoConfiguration.class})
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean({FleetMembership.class, FineTuningService.class})
public class FleetHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public FleetHealthIndicator kindlingFleetHealthIndicator(FineTuningService fineTuning) {
        return new FleetHealthIndicator(fineTuning);
    }
}
