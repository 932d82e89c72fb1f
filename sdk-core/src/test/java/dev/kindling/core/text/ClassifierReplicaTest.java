package dev.kindling.core.text;

import dev.kindling.core.hsm.TopK;
import dev.kindling.core.tensor.Device;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replica logic on the CPU device (the GPU run repeats these checks on cuda:0 in sdk-cuda): a replica
 * answers as its source, goes stale when the source trains, and is equal again after a refresh with what the
 * training round reported, also when the round added words and labels.
 */
class ClassifierReplicaTest {

    private static final List<String> PROBES = List.of("key2_1 key2_3 filler4", "key0_0 key0_2", "filler1 filler7", "", "unseen words",
            "key5_3 key1_1 filler2", "pulsar nebula", "key3_0 key3_1 key3_2 key3_3");

    private static TextClassifier trained(TrainingArgs.Loss loss) {
        TrainingArgs args = TrainingArgs.defaults().withDim(16).withEpoch(6).withThread(1).withBucket(1000).withLr(0.5f).withLoss(loss)
                .withVerbose(0);
        return SupervisedTrainer.train(TextTestData.parsed(TextTestData.lines(6, 40, 1)), args, null);
    }

    private static List<List<String>> tokenized(List<String> texts) {
        List<List<String>> out = new ArrayList<>();
        texts.forEach(t -> out.add(Tokenizer.tokens(t)));
        return out;
    }

    private static void assertSameAnswers(TextClassifier source, ClassifierReplica replica) {
        List<TopK> got = replica.predictIds(tokenized(PROBES), 4);
        for (int i = 0; i < PROBES.size(); i++) {
            TopK want = source.predictIds(Tokenizer.tokens(PROBES.get(i)), 4);
            assertArrayEquals(want.classes(), got.get(i).classes(), "top-4 of '" + PROBES.get(i) + "'");
            for (int j = 0; j < want.size(); j++) {
                assertEquals(want.logProbs()[j], got.get(i).logProbs()[j], 1e-5, "log-prob " + j + " of '" + PROBES.get(i) + "'");
            }
        }
    }

    @Test
    void answersAsItsSourceAndAgainAfterRefreshingWhatTrainingChanged() {
        for (TrainingArgs.Loss loss : List.of(TrainingArgs.Loss.HSM)) {
            TextClassifier source = trained(loss);
            ClassifierReplica replica = ClassifierReplica.of(source, Device.CPU);
            assertSameAnswers(source, replica);

            // A round of known words and labels: the replica is stale until refreshed with the round's changes.
            List<TopK> before = replica.predictIds(tokenized(List.of("key2_1 filler4")), 3);
            OnlineTrainer.Result known = null;
            for (int i = 0; i < 5; i++) {
                known = OnlineTrainer.train(source, List.of(List.of("key2_1", "filler4")), List.of(List.of("__label__L4")), 0.5f);
            }
            assertArrayEquals(new int[]{source.dictionary().labelId("__label__L4")}, known.trainedClasses());
            assertNotEquals(source.predictIds(List.of("key2_1", "filler4"), 3).logProbs()[0], before.get(0).logProbs()[0],
                    loss + ": training must change the source's answer, else this test checks nothing");
            replica.refreshAll();
            assertSameAnswers(source, replica);

            // Targeted refresh: each round's own changes, with new words and a new label.
            OnlineTrainer.Result r1 = OnlineTrainer.train(source, List.of(List.of("pulsar", "nebula", "key1_1")),
                    List.of(List.of("__label__astro")), 0.5f);
            assertEquals(1, r1.labelsAdded());
            replica.refresh(r1);
            assertSameAnswers(source, replica);
            for (int i = 0; i < 3; i++) {
                replica.refresh(OnlineTrainer.train(source, List.of(List.of("pulsar", "key3_2"), List.of("key0_1", "filler3")),
                        List.of(List.of("__label__astro"), List.of("__label__L0")), 0.3f));
                assertSameAnswers(source, replica);
            }
        }
    }

    @Test
    void aReplicaThatMissedNewWordsRefusesRatherThanReadingPastItsRows() {
        TextClassifier source = trained(TrainingArgs.Loss.HSM);
        ClassifierReplica replica = ClassifierReplica.of(source, Device.CPU);
        OnlineTrainer.train(source, List.of(List.of("brandnew", "key1_1")), List.of(List.of("__label__L1")), 0.5f);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> replica.predictIds(List.of(List.of("brandnew")), 2));
        assertTrue(e.getMessage().contains("refresh"), e.getMessage());
    }

    @Test
    void hostOnlyOutputLayersHaveNoDeviceReplica() {
        for (TrainingArgs.Loss loss : List.of(TrainingArgs.Loss.HS, TrainingArgs.Loss.SOFTMAX)) {
            TextClassifier source = trained(loss);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClassifierReplica.of(source, Device.CPU));
            assertTrue(e.getMessage().contains("-loss " + loss.flag()) && e.getMessage().contains("-loss hsm"), e.getMessage());
        }
    }

    @Test
    void predictionsCarryLabelsAndHonourTheThreshold() {
        TextClassifier source = trained(TrainingArgs.Loss.HSM);
        ClassifierReplica replica = ClassifierReplica.of(source, Device.CPU);
        List<List<Prediction>> got = replica.predict(List.of("key2_1 key2_3 filler4", "key0_0 key0_2"), 3, 0f);
        assertEquals(source.predict("key2_1 key2_3 filler4", 3, 0f).get(0).label(), got.get(0).get(0).label());
        assertEquals(source.predict("key0_0 key0_2", 3, 0f).get(0).label(), got.get(1).get(0).label());
        float top = got.get(0).get(0).probability();
        assertEquals(1, replica.predict(List.of("key2_1 key2_3 filler4"), 3, top).get(0).size());
        assertThrows(IllegalArgumentException.class, () -> replica.predict(List.of("x"), 0, 0f));
        assertThrows(IllegalArgumentException.class, () -> replica.predict(List.of("x"), 1, 1.5f));
    }
}
