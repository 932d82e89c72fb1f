package dev.kindling.core.text;

import dev.kindling.core.hsm.HierarchicalSoftmax;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A copy that takes a trainer's deltas (encoded, as they travel between replicas) ends each round bit-identical to
 * the trainer, new labels and words included; a delta that does not fit the copy's version, or damaged bytes, are
 * refused with a clear error.
 */
class ModelDeltaTest {

    @TempDir
    Path dir;

    private TextClassifier load() throws IOException {
        Path f = dir.resolve("m.bin");
        if (!f.toFile().exists()) {
            TrainingArgs args = TrainingArgs.defaults().withDim(20).withEpoch(4).withThread(1).withBucket(300).withLr(0.5f)
                    .withLoss(TrainingArgs.Loss.HSM).withVerbose(0);
            SupervisedTrainer.train(TextTestData.parsed(TextTestData.lines(6, 40, 9)), args, null).save(f);
        }
        return TextClassifier.load(f);
    }

    private static void assertSameModel(String when, TextClassifier a, TextClassifier b) {
        assertEquals(a.dictionary().labelCount(), b.dictionary().labelCount(), when + ": labels");
        assertEquals(a.dictionary().wordCount(), b.dictionary().wordCount(), when + ": words");
        assertArrayEquals(a.inputTable().toArray(), b.inputTable().toArray(), when + ": input table");
        HierarchicalSoftmax x = (HierarchicalSoftmax) a.output(), y = (HierarchicalSoftmax) b.output();
        assertArrayEquals(x.clusterWeight().value().toArray(), y.clusterWeight().value().toArray(), when + ": cluster weights");
        assertArrayEquals(x.clusterBias().value().toArray(), y.clusterBias().value().toArray(), when + ": cluster biases");
        assertArrayEquals(x.classWeight().value().toArray(), y.classWeight().value().toArray(), when + ": class weights");
        assertArrayEquals(x.classBias().value().toArray(), y.classBias().value().toArray(), when + ": class biases");
        for (int w = 0; w < a.dictionary().wordCount(); w++) {
            assertEquals(a.dictionary().isActive(w), b.dictionary().isActive(w), when + ": word " + w + " active");
        }
    }

    @Test
    void aCopyTakingTheDeltasStaysEqualToTheTrainer() throws IOException {
        TextClassifier trainer = load(), follower = load();
        List<List<List<String>>> tokens = List.of(
                List.of(List.of("key1_1", "filler2"), List.of("comet", "orbit", "key4_0")),
                List.of(List.of("comet", "tail"), List.of("key0_3")),
                List.of(List.of("asteroid", "orbit", "belt"), List.of("key2_2", "key2_2", "filler8")));
        List<List<List<String>>> labels = List.of(
                List.of(List.of("__label__L1"), List.of("__label__space")),
                List.of(List.of("__label__space", "__label__comets"), List.of("__label__L0")),
                List.of(List.of("__label__space"), List.of("__label__L2")));
        long floats = 0;
        for (int round = 0; round < tokens.size(); round++) {
            StagedUpdate u = OnlineTrainer.stage(trainer, tokens.get(round), labels.get(round), 0.4f);
            ModelDelta delta = u.delta();
            u.publish();
            byte[] wire = delta.encode();
            ModelDelta received = ModelDelta.decode(wire);
            assertEquals(delta, received, "a delta survives encoding");
            received.applyTo(follower);
            assertSameModel("round " + round, trainer, follower);
            floats += delta.floats();
        }
        assertTrue(floats > 0);
        assertEquals(trainer.predict("comet orbit", 3, 0f), follower.predict("comet orbit", 3, 0f));
    }

    @Test
    void aDeltaForAnotherVersionIsRefused() throws IOException {
        TextClassifier trainer = load(), follower = load();
        StagedUpdate u = OnlineTrainer.stage(trainer, List.of(List.of("nova")), List.of(List.of("__label__stars")), 0.4f);
        ModelDelta delta = u.delta();
        delta.applyTo(follower);
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> delta.applyTo(follower));
        assertTrue(twice.getMessage().contains("not at the delta's version"), twice.getMessage());
    }

    @Test
    void damagedBytesAreRefusedWithAReason() throws IOException {
        TextClassifier trainer = load();
        byte[] wire = OnlineTrainer.stage(trainer, List.of(List.of("key3_1")), List.of(List.of("__label__L3")), 0.4f).delta().encode();
        byte[] flipped = wire.clone();
        flipped[wire.length / 2] ^= 0x10;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelDelta.decode(flipped)).getMessage().contains("CRC32C"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelDelta.decode(new byte[5])).getMessage().contains("12 bytes"));
        byte[] cut = java.util.Arrays.copyOf(wire, wire.length - 9);
        assertThrows(IllegalArgumentException.class, () -> ModelDelta.decode(cut));
    }
}
