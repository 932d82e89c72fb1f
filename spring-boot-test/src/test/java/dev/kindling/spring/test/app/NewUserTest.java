package dev.kindling.spring.test.app;

import dev.kindling.spring.classifier.Classifier;
import dev.kindling.spring.test.FeedbackAwait;
import dev.kindling.spring.test.KindlingTestModels;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The new-user path, as the README shows it: a model trained in the test, classify, teach a new label, classify again. */
@SpringBootTest(classes = TinyApp.class)
class NewUserTest {

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        registry.add("kindling.models.topics.checkpoint", () -> KindlingTestModels.train("""
                __label__sport goal match team striker
                __label__sport referee league stadium score
                __label__music guitar chord song melody
                __label__music drummer concert violin rhythm
                """).toString());
    }

    @Autowired
    @Qualifier("topics")
    Classifier topics;

    @Test
    void classifiesLearnsANewLabelAndClassifiesAgain() {
        assertThat(topics.classify("guitar song").labels().getFirst().label()).isEqualTo("music");
        for (int i = 0; i < 20; i++) {
            FeedbackAwait.learn(topics, "qubit entanglement superposition", "physics");
        }
        assertThat(topics.classify("qubit entanglement").labels().getFirst().label()).isEqualTo("physics");
        assertThat(topics.classify("goal match").labels().getFirst().label()).isEqualTo("sport");
    }
}
