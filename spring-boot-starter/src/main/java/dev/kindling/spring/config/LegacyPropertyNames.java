package dev.kindling.spring.config;

import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps the deprecated names of the routing properties working: {@code kindling.devices},
 * {@code kindling.device.*} and {@code kindling.device-limits.*} were easy to confuse with each other and with a
 * model's {@code devices}. Each old name found is copied to its new name (in a property source of the lowest
 * precedence, so that a new name set anywhere wins) and logged once at WARN with its replacement.
 */
public class LegacyPropertyNames implements EnvironmentPostProcessor, Ordered {

    /** The property source holding the renamed values. */
    public static final String SOURCE_NAME = "kindlingLegacyPropertyNames";

    private final Log log;

    public LegacyPropertyNames(DeferredLogFactory logs) {
        this.log = logs.getLog(LegacyPropertyNames.class);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;   // after the config files are loaded
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> renamed = new LinkedHashMap<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            iterable.stream().forEach(name -> {
                if (isModelsDeviceAlias(name.toString())) {
                    log.warn("The property '" + name + "' is deprecated; use '" + name + "s' instead (it is read as that for now)");
                    return;   // the model properties bind the alias themselves
                }
                String replacement = replacement(name.toString());
                if (replacement != null && !renamed.containsKey(replacement)) {
                    ConfigurationProperty p = source.getConfigurationProperty(name);
                    if (p != null) {
                        renamed.put(replacement, p.getValue());
                        log.warn("The property '" + name + "' is deprecated; use '" + replacement + "' instead (it is read as that for now)");
                    }
                }
            });
        }
        if (!renamed.isEmpty()) {
            environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, renamed));
        }
    }

    /** The new name of a deprecated {@code name}, or null when the name is current. */
    public static String replacement(String name) {
        if (name.equals("kindling.devices")) {
            return "kindling.routing.devices";
        }
        if (name.startsWith("kindling.device.")) {
            return "kindling.routing.default-guard." + name.substring("kindling.device.".length());
        }
        if (name.startsWith("kindling.device-limits.")) {
            return "kindling.routing.device-guards." + name.substring("kindling.device-limits.".length());
        }
        return null;   // kindling.models.<name>.device is an alias the model properties bind themselves
    }

    /** {@code kindling.models.<name>.device}, the old name of a model's {@code devices}. */
    static boolean isModelsDeviceAlias(String name) {
        return name.startsWith("kindling.models.") && name.endsWith(".device") && name.chars().filter(c -> c == '.').count() == 3;
    }
}
