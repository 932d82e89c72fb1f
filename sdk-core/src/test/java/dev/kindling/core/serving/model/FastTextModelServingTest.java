package dev.kindling.core.serving.model;

import dev.kindling.core.text.TablePlacement;
import dev.kindling.core.text.TrainingArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code kindling.models.x.checkpoint=model.ftz}: a quantized model made by fastText 0.9.2 (character
 * n-grams, pruned buckets) is served with fastText's answers, fine-tuned by feedback, and restarts from
 * its fine-tuning checkpoint.
 */
class FastTextModelServingTest {

    @TempDir
    Path dir;

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(FastTextModelServingTest.class.getResource("/fasttext/serving/" + name).toURI());
    }

    private List<ModelSettings> props(Path checkpoint) {
        return List.of(ModelSettings.builder("ft").checkpoint(checkpoint).inputTable(TablePlacement.MAPPED).build());
    }

    @Test
    void aFastTextModelServesFastTextsAnswersLearnsAndRestarts() throws Exception {
        Path ftz = dir.resolve("model.ftz");
        Files.copy(resource("model.ftz"), ftz);
        ModelRegistry registry = new ModelRegistry(props(ftz), dir.resolve("data"), List.of(), null);
        ServedModel m = registry.get("ft");
        assertThat(m.classifier().args().loss()).isEqualTo(TrainingArgs.Loss.SOFTMAX);
        List<String> test = Files.readAllLines(resource("test.txt"), StandardCharsets.UTF_8);
        List<String> expected = Files.readAllLines(resource("predict-prob-3.txt"), StandardCharsets.UTF_8);
        for (int i = 0; i < test.size(); i++) {
            Classification c = m.classify(test.get(i), 3);
            String[] want = expected.get(i).split(" ");
            assertThat(c.labels()).hasSize(want.length / 2);
            for (int j = 0; j < c.labels().size(); j++) {
                assertThat("__label__" + c.labels().get(j).label()).isEqualTo(want[2 * j]);
                assertThat((double) c.labels().get(j).probability()).isCloseTo(Double.parseDouble(want[2 * j + 1]), within(1e-5));
            }
        }

        String text = test.get(0).replaceAll("__label__\\S+", "").trim();
        String before = m.classify(text, 1).labels().get(0).label();
        String target = before.equals("l000") ? "l001" : "l000";
        for (int i = 0; i < 100 && !m.classify(text, 1).labels().get(0).label().equals(target); i++) {
            m.update(List.of(LabelledExample.of(text, target)), 0.5f, i + 1);
        }
        assertThat(m.classify(text, 1).labels().get(0).label()).isEqualTo(target);
        float learned = m.classify(text, 1).labels().get(0).probability();
        m.checkpoint(registry.checkpointStore("ft"));

        ModelRegistry restarted = new ModelRegistry(props(ftz), dir.resolve("data"), List.of(), null);
        Classification after = restarted.get("ft").classify(text, 1);
        assertThat(after.labels().get(0).label()).isEqualTo(target);
        assertThat(after.labels().get(0).probability()).isEqualTo(learned);
    }
}
