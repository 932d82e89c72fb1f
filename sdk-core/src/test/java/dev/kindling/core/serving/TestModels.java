package dev.kindling.core.serving;

import dev.kindling.core.text.LabelledLines;
import dev.kindling.core.text.SupervisedTrainer;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.TrainingArgs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

/** Small trained classifiers for starter tests: five topics, each with its own words. */
public final class TestModels {

    public static final String[][] TOPICS = {
            {"sport", "goal match team score striker league stadium referee"},
            {"cooking", "bake oven flour butter simmer onion garlic recipe"},
            {"weather", "rain snow wind storm forecast cloud frost sunny"},
            {"computing", "compiler server database kernel memory thread cache query"},
            {"music", "guitar melody chord drummer concert violin song rhythm"},
    };

    private TestModels() {
    }

    /** fastText-format training lines, {@code perTopic} per topic. */
    public static String corpus(int perTopic, long seed) {
        Random rng = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < perTopic; i++) {
            for (String[] t : TOPICS) {
                String[] words = t[1].split(" ");
                sb.append("__label__").append(t[0]);
                for (int w = 0; w < 5; w++) {
                    sb.append(' ').append(words[rng.nextInt(words.length)]);
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    public static TextClassifier train(TrainingArgs.Loss loss) {
        try {
            LabelledLines.Result r = LabelledLines.read(new ByteArrayInputStream(corpus(40, 1).getBytes(StandardCharsets.UTF_8)), "__label__");
            TrainingArgs args = TrainingArgs.defaults().withDim(16).withEpoch(10).withThread(1).withBucket(2000).withLr(0.5f)
                    .withLoss(loss).withVerbose(0);
            return SupervisedTrainer.train(r.lines(), args, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Trains a model and saves it to {@code dir/model.bin}. */
    public static Path trainedFile(Path dir, TrainingArgs.Loss loss) {
        try {
            Path f = dir.resolve("model-" + loss.flag() + ".bin");
            train(loss).save(f);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
