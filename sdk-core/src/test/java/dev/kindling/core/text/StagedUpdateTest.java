package dev.kindling.core.text;

import dev.kindling.core.hsm.FullSoftmax;
import dev.kindling.core.hsm.HierarchicalSoftmax;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training on private copies and publishing gives the live classifier exactly what training it in place gives,
 * and until the publish the live classifier answers as before, with new labels and words in it.
 */
class StagedUpdateTest {

    @TempDir
    Path dir;

    private static final List<List<String>> TOKENS = List.of(List.of("key2_1", "filler4", "key2_1"), List.of("quasar", "pulsar", "key3_0"),
            List.of("key0_1"), List.of("nebula", "quasar", "filler9"), List.of("key5_2", "key5_3"));
    private static final List<List<String>> LABELS = List.of(List.of("__label__L4"), List.of("__label__astro", "__label__L3"),
            List.of("__label__L0"), List.of("__label__astro"), List.of("__label__L1", "__label__L5"));

    private TextClassifier twin(TrainingArgs.Loss loss) throws IOException {
        Path f = dir.resolve("m-" + loss.flag() + ".bin");
        if (!f.toFile().exists()) {
            TrainingArgs args = TrainingArgs.defaults().withDim(24).withEpoch(5).withThread(1).withBucket(500).withLr(0.5f).withLoss(loss)
                    .withVerbose(0);
            SupervisedTrainer.train(TextTestData.parsed(TextTestData.lines(6, 40, 3)), args, null).save(f);
        }
        return TextClassifier.load(f);
    }

    @Test
    void publishingEqualsTrainingInPlaceBitForBit() throws IOException {
        for (TrainingArgs.Loss loss : List.of(TrainingArgs.Loss.HSM, TrainingArgs.Loss.SOFTMAX)) {
            TextClassifier inPlace = twin(loss), staged = twin(loss);
            for (int round = 0; round < 3; round++) {
                OnlineTrainer.Result want = OnlineTrainer.train(inPlace, TOKENS, LABELS, 0.3f);
                StagedUpdate u = OnlineTrainer.stage(staged, TOKENS, LABELS, 0.3f);
                OnlineTrainer.Result got = u.publish();
                assertEquals(want.meanLoss(), got.meanLoss(), 0.0, loss + " round " + round + ": the same loss");
                assertArrayEquals(want.touchedRows(), got.touchedRows());
                assertArrayEquals(want.trainedClasses(), got.trainedClasses());
                assertEquals(want.labelsAdded(), got.labelsAdded());
                assertArrayEquals(inPlace.inputTable().toArray(), staged.inputTable().toArray(), loss + ": input table");
                if (inPlace.output() instanceof HierarchicalSoftmax a) {
                    HierarchicalSoftmax b = (HierarchicalSoftmax) staged.output();
                    assertArrayEquals(a.clusterWeight().value().toArray(), b.clusterWeight().value().toArray(), loss + ": cluster weights");
                    assertArrayEquals(a.clusterBias().value().toArray(), b.clusterBias().value().toArray(), loss + ": cluster biases");
                    assertArrayEquals(a.classWeight().value().toArray(), b.classWeight().value().toArray(), loss + ": class weights");
                    assertArrayEquals(a.classBias().value().toArray(), b.classBias().value().toArray(), loss + ": class biases");
                } else {
                    FullSoftmax a = (FullSoftmax) inPlace.output(), b = (FullSoftmax) staged.output();
                    assertArrayEquals(a.weight().toArray(), b.weight().toArray(), loss + ": weights");
                    assertArrayEquals(a.bias().toArray(), b.bias().toArray(), loss + ": biases");
                }
                for (String w : List.of("quasar", "pulsar", "nebula")) {
                    int id = staged.dictionary().wordId(w);
                    assertTrue(staged.dictionary().isActive(id), w + " is active after the publish");
                }
            }
        }
    }

    @Test
    void untilPublishedTheLiveModelAnswersAsBefore() throws IOException {
        TextClassifier m = twin(TrainingArgs.Loss.HSM);
        List<String> probes = List.of("key2_1 filler4", "quasar pulsar key3_0", "key0_1", "nebula");
        List<List<Prediction>> before = probes.stream().map(p -> m.predict(p, 3, 0f)).toList();
        StagedUpdate u = OnlineTrainer.stage(m, TOKENS, LABELS, 0.5f);
        assertTrue(m.dictionary().labelId("__label__astro") >= 0, "the new label is in the live model already");
        for (int i = 0; i < probes.size(); i++) {
            List<Prediction> now = m.predict(probes.get(i), 3, 0f);
            assertEquals(before.get(i).size(), now.size());
            for (int j = 0; j < now.size(); j++) {
                assertEquals(before.get(i).get(j).label(), now.get(j).label(), "'" + probes.get(i) + "' before the publish");
                assertEquals(before.get(i).get(j).probability(), now.get(j).probability(), 1e-6f);
            }
        }
        assertTrue(u.floatsPublished() > 0);
        u.publish();
        assertNotEquals(before.get(1), m.predict(probes.get(1), 3, 0f), "after the publish the model has learned");
        assertThrows(IllegalStateException.class, u::publish, "an update is published once");
    }

    @Test
    void aTreeSoftmaxCannotStageAndIsTrainedInPlaceByItsCaller() throws IOException {
        TextClassifier m = twin(TrainingArgs.Loss.HS);
        assertNull(OnlineTrainer.stage(m, TOKENS, LABELS, 0.5f));
        assertTrue(m.dictionary().labelId("__label__astro") >= 0, "the batch's labels were added all the same");
        OnlineTrainer.Result r = OnlineTrainer.train(m, TOKENS, LABELS, 0.5f);
        assertEquals(0, r.labelsAdded(), "added by the staging attempt already");
        assertEquals(7, r.steps());
    }
}
