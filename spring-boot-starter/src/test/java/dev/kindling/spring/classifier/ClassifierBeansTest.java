package dev.kindling.spring.classifier;

import dev.kindling.core.serving.finetune.FineTuningDisabledException;
import dev.kindling.core.serving.model.Classification;
import dev.kindling.core.serving.model.InvalidInputException;
import dev.kindling.core.serving.model.UnknownModelException;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.spring.StarterFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The API applications inject: a Classifier per model by qualifier, Classifiers by name, thresholds, batches, feedback futures. */
class ClassifierBeansTest {

    @TempDir
    Path data;

    /** What an application writes: a bean that takes one model by its name. */
    record Uses(Classifier topics) {
    }

    @Configuration(proxyBeanMethods = false)
    static class UserConfiguration {
        @Bean
        Uses uses(@Qualifier("topics") Classifier topics) {
            return new Uses(topics);
        }
    }

    private String[] twoModels() {
        return new String[] {"kindling.models.topics.checkpoint=" + StarterFixtures.model(TrainingArgs.Loss.HSM),
                "kindling.models.topics.threshold=0.3", "kindling.fine-tuning.max-batch-delay=1ms",
                "kindling.models.plain.checkpoint=" + StarterFixtures.model(TrainingArgs.Loss.SOFTMAX), "kindling.models.plain.fine-tuning=false"};
    }

    @Test
    void aModelIsInjectedByQualifierAndFoundByName() {
        StarterFixtures.runner(data).withUserConfiguration(UserConfiguration.class).withPropertyValues(twoModels()).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            Classifier topics = ctx.getBean(Uses.class).topics();
            assertThat(topics.name()).isEqualTo("topics");
            assertThat(ctx.getBean(Classifiers.class).get("topics")).isSameAs(topics);
            assertThat(ctx.getBean(Classifiers.class).names()).containsExactly("topics", "plain");
            assertThatThrownBy(() -> ctx.getBean(Classifiers.class).get("nope")).isInstanceOf(UnknownModelException.class)
                    .hasMessageContaining("topics");
        });
    }

    @Test
    void classifiesWithTheModelsThresholdOrTheCallsAndInBatches() {
        StarterFixtures.runner(data).withPropertyValues(twoModels()).run(ctx -> {
            Classifier topics = ctx.getBean(Classifiers.class).get("topics");
            Classification c = topics.classify("guitar chord concert");
            assertThat(c.labels()).isNotEmpty().allMatch(l -> l.probability() >= 0.3f);
            assertThat(c.labels().getFirst().label()).isEqualTo("music");
            assertThat(topics.classify("guitar chord concert", 5, 0f).labels()).hasSize(5);
            assertThat(topics.classify("guitar chord concert", 5, 1f).labels()).isEmpty();
            List<Classification> batch = topics.classifyAll(List.of("oven flour butter", "rain snow storm"), 1, 0f);
            assertThat(batch).extracting(b -> b.labels().getFirst().label()).containsExactly("cooking", "weather");
            assertThat(batch.get(0).version()).isEqualTo(batch.get(1).version());
            assertThatThrownBy(() -> topics.classify("  \t ")).isInstanceOf(InvalidInputException.class).hasMessageContaining("blank");
            assertThatThrownBy(() -> topics.classify("x", 5, 1.5f)).isInstanceOf(InvalidInputException.class).hasMessageContaining("threshold");
        });
    }

    @Test
    void feedbackCompletesWhenDurableAndItsReceiptWhenLearned() {
        StarterFixtures.runner(data).withPropertyValues(twoModels()).run(ctx -> {
            Classifier topics = ctx.getBean(Classifiers.class).get("topics");
            long before = topics.info().version();
            FeedbackReceipt last = null;
            for (int i = 0; i < 40; i++) {
                last = topics.feedback("qubit entanglement superposition", "physics").get();
            }
            assertThat(last.sequence()).isEqualTo(40);
            last.awaitApplied(Duration.ofSeconds(20));
            assertThat(topics.info().version()).isGreaterThan(before);
            assertThat(topics.classify("qubit entanglement", 1, 0f).labels().getFirst().label()).isEqualTo("physics");
            assertThatThrownBy(() -> topics.feedback("text", "bad label")).isInstanceOf(InvalidInputException.class);
            Classifier plain = ctx.getBean(Classifiers.class).get("plain");
            assertThatThrownBy(() -> plain.feedback("text", "x")).isInstanceOf(FineTuningDisabledException.class)
                    .hasMessageContaining("kindling.models.plain.fine-tuning");
        });
    }

    @Test
    void infoReportsKindDevicesAndProvenance() {
        StarterFixtures.runner(data).withPropertyValues(twoModels()).run(ctx -> {
            ModelInfo info = ctx.getBean(Classifiers.class).get("plain").info();
            assertThat(info.kind()).isEqualTo("softmax");
            assertThat(info.fineTuning()).isFalse();
            assertThat(info.devices()).containsExactly("cpu:0");
            assertThat(info.provenance().sha256()).hasSize(64);
        });
    }
}
