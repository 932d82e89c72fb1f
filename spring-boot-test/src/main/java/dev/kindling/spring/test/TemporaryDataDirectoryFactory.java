package dev.kindling.spring.test;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;

import java.util.List;

/** Registered in {@code META-INF/spring.factories}: with this module on the test class path, every test context gets a temporary data directory. */
public final class TemporaryDataDirectoryFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        return new TemporaryDataDirectory();
    }
}
