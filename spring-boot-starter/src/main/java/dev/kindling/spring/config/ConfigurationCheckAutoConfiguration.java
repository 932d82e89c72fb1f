package dev.kindling.spring.config;

import dev.kindling.spring.model.KindlingModelProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

import java.util.List;

/** Fails the start on {@code kindling.*} properties nothing reads ({@link KindlingPropertiesCheck}). */
@AutoConfiguration
public class ConfigurationCheckAutoConfiguration {

    @Bean
    static KindlingPropertiesCheck kindlingPropertiesCheck() {
        return new KindlingPropertiesCheck(KindlingModelProperties.Model.class, List.of("kindling.problem-details"));
    }
}
