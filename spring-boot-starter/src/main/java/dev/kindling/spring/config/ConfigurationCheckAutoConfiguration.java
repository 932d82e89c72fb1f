package dev.kindling.spring.config;

import dev.kindling.spring.model.KindlingModelProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

import java.util.List;

/**
 * Fails the start on {@code kindling.*} properties nothing reads ({@link KindlingPropertiesCheck}). Known without a
 * properties class: the problem-details switch, and the core's system properties ({@code -Dkindling.cpu.vector},
 * {@code -Dkindling.cuda.*}).
 */
@AutoConfiguration
public class ConfigurationCheckAutoConfiguration {

    @Bean
    static KindlingPropertiesCheck kindlingPropertiesCheck() {
        return new KindlingPropertiesCheck(KindlingModelProperties.Model.class, List.of("kindling.problem-details", "kindling.cpu", "kindling.cuda"));
    }
}
