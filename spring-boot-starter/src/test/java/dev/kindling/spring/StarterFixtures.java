package dev.kindling.spring;

import dev.kindling.core.serving.TestModels;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.spring.classifier.ClassifierAutoConfiguration;
import dev.kindling.spring.config.ConfigurationCheckAutoConfiguration;
import dev.kindling.spring.device.DevicePoolAutoConfiguration;
import dev.kindling.spring.embedding.EmbeddingCacheAutoConfiguration;
import dev.kindling.spring.finetune.FineTuningAutoConfiguration;
import dev.kindling.spring.model.ModelsAutoConfiguration;
import dev.kindling.spring.observability.ObservabilityAutoConfiguration;
import dev.kindling.spring.web.ProblemDetailsAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The starter's auto-configurations for context runners, and small trained models shared by the tests of one JVM. */
public final class StarterFixtures {

    /** Every auto-configuration of the starter, in the order the imports file lists them. */
    public static final AutoConfigurations ALL = AutoConfigurations.of(ConfigurationCheckAutoConfiguration.class,
            DevicePoolAutoConfiguration.class, EmbeddingCacheAutoConfiguration.class, ModelsAutoConfiguration.class,
            FineTuningAutoConfiguration.class, ClassifierAutoConfiguration.class, ObservabilityAutoConfiguration.class,
            ProblemDetailsAutoConfiguration.class);

    private static final Path MODELS;

    static {
        try {
            MODELS = Files.createTempDirectory("kindling-starter-models");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private StarterFixtures() {
    }

    /** A model of five topics (sport, cooking, weather, computing, music), trained once per JVM. */
    public static synchronized Path model(TrainingArgs.Loss loss) {
        Path f = MODELS.resolve("model-" + loss.flag() + ".bin");
        return Files.exists(f) ? f : TestModels.trainedFile(MODELS, loss);
    }

    /** A runner with the starter, its data in {@code data}. */
    public static ApplicationContextRunner runner(Path data) {
        return new ApplicationContextRunner().withConfiguration(ALL).withPropertyValues("kindling.fine-tuning.directory=" + data);
    }

    /** A servlet web application runner with the starter, its data in {@code data}. */
    public static WebApplicationContextRunner webRunner(Path data) {
        return new WebApplicationContextRunner().withConfiguration(ALL).withPropertyValues("kindling.fine-tuning.directory=" + data);
    }
}
