package dev.kindling.core.serving.guard;

import dev.kindling.core.text.LabelledLines;
import dev.kindling.core.text.SupervisedTrainer;
import dev.kindling.core.text.TrainingArgs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

/**
 * A small model of everyday definitions, trained like the sample's WordNet model (-loss hsm) but in a second: it answers
 * "a sweet red fruit that grows on trees" with edible_fruit, as the model did before the flood of new labels.
 */
final class FruitModel {

    static final String QUESTION = "a sweet red fruit that grows on trees";

    private static final String[][] DEFINITIONS = {
            {"edible_fruit", "sweet juicy fruit grows on trees red apple ripe orchard peach plum cherry eaten fresh"},
            {"vehicle", "car truck wheels engine drives road carries passengers motor fuel transport"},
            {"tool", "hammer wrench handle metal used to build repair cut nails screws workshop"},
            {"animal", "dog cat mammal fur legs barks lives farm wild tail pet"},
            {"beverage", "drink liquid coffee tea juice poured cup hot cold sip water"},
            {"building", "house walls roof rooms doors windows built stone brick floors lives"},
    };

    private FruitModel() {
    }

    static String corpus(int perLabel, long seed) {
        Random rng = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < perLabel; i++) {
            for (String[] d : DEFINITIONS) {
                String[] words = d[1].split(" ");
                sb.append("__label__").append(d[0]);
                for (int w = 0; w < 7; w++) {
                    sb.append(' ').append(words[rng.nextInt(words.length)]);
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    static Path train(Path dir) throws IOException {
        LabelledLines.Result r = LabelledLines.read(new ByteArrayInputStream(corpus(60, 3).getBytes(StandardCharsets.UTF_8)), "__label__");
        TrainingArgs args = TrainingArgs.defaults().withDim(16).withEpoch(20).withThread(1).withBucket(2000).withLr(0.5f)
                .withLoss(TrainingArgs.Loss.HSM).withVerbose(0);
        Path file = dir.resolve("fruit.bin");
        SupervisedTrainer.train(r.lines(), args, null).save(file);
        return file;
    }
}
