package dev.kindling.cuda;

import dev.kindling.core.hsm.TopK;
import dev.kindling.core.text.ClassifierReplica;
import dev.kindling.core.text.LabelledLines;
import dev.kindling.core.text.OnlineTrainer;
import dev.kindling.core.text.SupervisedTrainer;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.Tokenizer;
import dev.kindling.core.text.TrainingArgs;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A text classifier served from the GPU: its replica on cuda:0 gives the host model's top-k (same labels,
 * log-probabilities within 1e-4) on a batch of texts, and again after online rounds that add words and labels
 * and are refreshed into the replica with what each round reported.
 */
class CudaClassifierReplicaTest extends CudaTestSupport {

    private static final int LABELS = 57;

    /** Each label has its own keywords, mixed with shared filler words. */
    private static List<LabelledLines.Line> corpus(Random rng) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            for (int l = 0; l < LABELS; l++) {
                StringBuilder sb = new StringBuilder("__label__L" + l);
                for (int w = 0; w < 7; w++) {
                    sb.append(rng.nextInt(3) == 0 ? " filler" + rng.nextInt(40) : " key" + l + "_" + rng.nextInt(5));
                }
                lines.add(sb.toString());
            }
        }
        Collections.shuffle(lines, rng);
        List<LabelledLines.Line> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            out.add(new LabelledLines.Line(i + 1, Tokenizer.tokens(lines.get(i))));
        }
        return out;
    }

    private static List<List<String>> probes(Random rng, int n) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> t = new ArrayList<>();
            int words = rng.nextInt(9);
            for (int w = 0; w < words; w++) {
                int pick = rng.nextInt(10);
                t.add(pick < 6 ? "key" + rng.nextInt(LABELS) + "_" + rng.nextInt(5) : pick < 9 ? "filler" + rng.nextInt(40) : "quasar");
            }
            out.add(t);
        }
        return out;
    }

    private static void assertSameAnswers(String when, TextClassifier host, ClassifierReplica replica, List<List<String>> texts) {
        List<TopK> got = replica.predictIds(texts, 5);
        assertEquals(texts.size(), got.size());
        int exactOrder = 0;
        for (int i = 0; i < texts.size(); i++) {
            TopK want = host.predictIds(texts.get(i), 5);
            for (int j = 0; j < want.size(); j++) {
                assertEquals(want.logProbs()[j], got.get(i).logProbs()[j], 1e-4, when + ": log-prob " + j + " of " + texts.get(i));
            }
            assertEquals(want.classes()[0], got.get(i).classes()[0], when + ": best label of " + texts.get(i));
            if (java.util.Arrays.equals(want.classes(), got.get(i).classes())) {
                exactOrder++;
            }
        }
        // Near-ties below the top may swap under another summation order; almost every list must match exactly.
        assertTrue(exactOrder >= texts.size() - 2, when + ": only " + exactOrder + " of " + texts.size() + " top-5 lists equal");
    }

    @Test
    void servesTheHostModelsAnswersBeforeAndAfterOnlineRounds() {
        for (TrainingArgs.Loss loss : List.of(TrainingArgs.Loss.HSM)) {
            Random rng = new Random(71);
            TrainingArgs args = TrainingArgs.defaults().withDim(33).withEpoch(5).withThread(1).withBucket(2003).withLr(0.5f)
                    .withLoss(loss).withVerbose(0);
            TextClassifier host = SupervisedTrainer.train(corpus(rng), args, null);
            ClassifierReplica replica = ClassifierReplica.of(host, GPU);
            assertEquals(GPU, replica.device());
            List<List<String>> texts = probes(rng, 301);
            assertSameAnswers(loss + " fresh", host, replica, texts);
            for (int round = 0; round < 4; round++) {
                OnlineTrainer.Result r = OnlineTrainer.train(host,
                        List.of(List.of("quasar", "pulsar" + round, "key3_1"), List.of("key7_2", "filler3"), List.of("key9_0")),
                        List.of(List.of("__label__astro" + (round % 2)), List.of("__label__L8"), List.of("__label__L9")), 0.4f);
                replica.refresh(r);
                assertSameAnswers(loss + " after round " + round, host, replica, texts);
            }
            assertTrue(host.dictionary().labelId("__label__astro1") >= 0);
            replica.refreshAll();
            assertSameAnswers(loss + " after refreshAll", host, replica, texts);
        }
    }

    @Test
    void emptyAndUnknownTextsGetTheModelsPrior() {
        Random rng = new Random(72);
        TrainingArgs args = TrainingArgs.defaults().withDim(16).withEpoch(2).withThread(1).withBucket(101).withLr(0.5f)
                .withLoss(TrainingArgs.Loss.HSM).withVerbose(0);
        TextClassifier host = SupervisedTrainer.train(corpus(rng), args, null);
        ClassifierReplica replica = ClassifierReplica.of(host, GPU);
        List<TopK> got = replica.predictIds(List.of(List.of(), List.of("never", "seen")), 3);
        assertArrayEquals(host.predictIds(List.of(), 3).classes(), got.get(0).classes());
        assertArrayEquals(host.predictIds(List.of("never", "seen"), 3).classes(), got.get(1).classes());
    }
}
