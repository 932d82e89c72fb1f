package dev.kindling.spring.test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.util.FileSystemUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Gives every Spring test context its own temporary {@code kindling.fine-tuning.directory} (write-ahead logs,
 * checkpoints, jobs, copied model files), deleted when the context closes, so that a test never writes into, nor reads
 * the fine-tuning of, a developer's data directory, and two cached contexts never fight over one lock. It outranks the
 * application's configuration files and environment; a directory the test itself sets (its properties, a
 * {@code @TestPropertySource} or a {@code @DynamicPropertySource}) wins.
 */
final class TemporaryDataDirectory implements ContextCustomizer {

    static final String PROPERTY = "kindling.fine-tuning.directory";
    static final String SOURCE = "kindlingTemporaryDataDirectory";
    /** The property sources of a test's own settings (Spring's names), which this one must not outrank. */
    private static final List<String> TEST_SOURCES = List.of("Inlined Test Properties", "Dynamic Test Properties");

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
        ConfigurableEnvironment env = context.getEnvironment();
        MutablePropertySources sources = env.getPropertySources();
        for (String name : TEST_SOURCES) {
            PropertySource<?> s = sources.get(name);
            if (s != null && s.containsProperty(PROPERTY)) {
                return;
            }
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("kindling-test-data");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a temporary Kindling data directory: " + e.getMessage(), e);
        }
        MapPropertySource mine = new MapPropertySource(SOURCE, Map.of(PROPERTY, dir.toString()));
        String after = TEST_SOURCES.stream().filter(sources::contains).reduce((a, b) -> sources.precedenceOf(sources.get(a))
                > sources.precedenceOf(sources.get(b)) ? a : b).orElse(null);
        if (after != null) {
            sources.addAfter(after, mine);
        } else {
            sources.addFirst(mine);
        }
        if (context.getBeanFactory() instanceof DefaultListableBeanFactory factory) {
            // Registered before every bean, so destroyed after all of them (the engine has released the directory by then).
            factory.registerDisposableBean(SOURCE, () -> FileSystemUtils.deleteRecursively(dir));
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TemporaryDataDirectory;
    }

    @Override
    public int hashCode() {
        return TemporaryDataDirectory.class.hashCode();
    }
}
