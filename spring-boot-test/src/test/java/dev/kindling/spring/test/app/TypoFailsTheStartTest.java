package dev.kindling.spring.test.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The other new-user path: a typo'd property stops the start with Spring Boot's failure report, naming the fix. */
@ExtendWith(OutputCaptureExtension.class)
class TypoFailsTheStartTest {

    @Test
    void aMisspelledModelKeyFailsWithTheAnalyzersMessage(@TempDir Path data, CapturedOutput output) {
        SpringApplication app = new SpringApplication(TinyApp.class);
        assertThatThrownBy(() -> app.run("--kindling.fine-tuning.directory=" + data, "--kindling.models.topics.chekpoint=/models/topics.bin"))
                .isNotNull();
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Property: kindling.models.topics.chekpoint")
                .contains("Action:")
                .contains("Did you mean kindling.models.topics.checkpoint?");
    }
}
