package dev.kindling.sample;

import dev.kindling.core.text.Prediction;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.sample.model.WordNetModelInitializer;
import dev.kindling.core.serving.model.ModelSettings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default model a fresh clone trains on its first start (all of WordNet 3.1, the shipped settings)
 * answers everyday definitions with a category a person would accept: a hypernym on the path from the thing
 * described (any of them, since one start differs from the next: training runs on several threads).
 */
class DefaultModelAnswersTest {

    /** Definitions and the label names (before the synset id) a person would accept for them. */
    private static final Map<String, Set<String>> ACCEPTED = Map.of(
            "a domesticated carnivorous mammal that barks", Set.of("dog", "canine", "carnivore", "placental", "mammal", "domestic_animal",
                    "animal", "hunting_dog", "working_dog", "toy_dog", "hound", "wolf"),
            "to move quickly on foot", Set.of("move", "travel", "travel_rapidly", "run", "hurry", "walk", "step", "locomote", "go", "speed"),
            "a sweet red fruit that grows on trees", Set.of("edible_fruit", "fruit", "produce", "apple", "pome", "fruit_tree", "berry", "drupe",
                    "cherry"),
            "a large vehicle that carries many passengers", Set.of("vehicle", "wheeled_vehicle", "self-propelled_vehicle", "motor_vehicle",
                    "public_transport", "conveyance", "bus", "car", "train", "craft", "vessel", "aircraft", "airliner", "ship", "transport"),
            "a building where people live", Set.of("building", "structure", "house", "dwelling", "housing", "residence", "home"),
            "a musical instrument with strings", Set.of("musical_instrument", "stringed_instrument", "device", "instrument", "instrumentality"),
            "a small bird that sings", Set.of("bird", "passerine", "oscine", "songbird", "vertebrate", "animal"),
            "a person who teaches children at school", Set.of("teacher", "educator", "professional", "person", "instructor"));

    /** The README's examples and the two that embarrassed earlier defaults must be right at the top. */
    private static final List<String> MUST_LEAD = List.of("a sweet red fruit that grows on trees", "a domesticated carnivorous mammal that barks",
            "to move quickly on foot");

    private static String name(Prediction p) {
        String l = p.label().substring("__label__".length());
        return l.substring(0, l.lastIndexOf('.'));
    }

    @Test
    void everydayDefinitionsGetCategoriesAPersonWouldAccept() {
        ModelSettings settings = ModelSettings.builder("wordnet").build();
        long start = System.nanoTime();
        TextClassifier model = new WordNetModelInitializer(new SampleProperties()).create("wordnet", settings).orElseThrow();
        double seconds = (System.nanoTime() - start) / 1e9;
        int acceptedInTop3 = 0;
        StringBuilder report = new StringBuilder("trained in " + Math.round(seconds) + " s\n");
        for (Map.Entry<String, Set<String>> e : ACCEPTED.entrySet()) {
            List<Prediction> top = model.predict(e.getKey(), 3, 0f);
            report.append(e.getKey()).append(" -> ").append(top.stream().map(DefaultModelAnswersTest::name).toList()).append('\n');
            if (top.stream().anyMatch(p -> e.getValue().contains(name(p)))) {
                acceptedInTop3++;
            }
        }
        for (String d : MUST_LEAD) {
            assertThat(ACCEPTED.get(d)).as(report.toString()).contains(name(model.predict(d, 1, 0f).getFirst()));
        }
        assertThat(acceptedInTop3).as(report.toString()).isGreaterThanOrEqualTo(ACCEPTED.size() - 1);
    }
}
