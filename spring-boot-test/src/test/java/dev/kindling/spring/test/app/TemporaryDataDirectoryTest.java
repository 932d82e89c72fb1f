package dev.kindling.spring.test.app;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A test context never uses the application's data directory: the test module gives it a temporary one. */
@SpringBootTest(classes = TinyApp.class, properties = "spring.config.name=tiny-app")
class TemporaryDataDirectoryTest {

    @Autowired
    Environment environment;

    @Test
    void theConfiguredDirectoryIsReplacedByATemporaryOne() {
        String dir = environment.getProperty("kindling.fine-tuning.directory");
        assertThat(Path.of(dir)).startsWith(Path.of(System.getProperty("java.io.tmpdir")));
        assertThat(dir).doesNotContain("developer-data");
    }
}
