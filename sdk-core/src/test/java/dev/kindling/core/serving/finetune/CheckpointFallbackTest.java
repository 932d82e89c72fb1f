package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.checkpoint.CheckpointStore;
import dev.kindling.core.serving.guard.GuardSettings;
import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.io.WriteAheadLog;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.model.Classification;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.serving.model.ServedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A damaged newest checkpoint (its table overwritten with 8 KB of 0xFF, which made every probability NaN,
 * or one bit of a label in its header) is detected at start; the model falls back to the previous kept
 * checkpoint, or the base model, and replays the log from there: every acknowledged example is in the
 * model exactly once, the fallback is counted, and the damaged file is set aside at the next checkpoint.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CheckpointFallbackTest {

    private static final int MAGIC = "KINDLING-TEXT-CLASSIFIER\n".length();

    @TempDir
    Path dir;

    private FineTuningSettings fineTuning(Path data) {
        // Small segments, so trimming the log really deletes some; checkpoints only where the test writes them. Kept versions
        // hold the log back too (for rollbacks): this test is about what checkpoints alone allow, so none beyond the served one.
        return CrashingFineTuner.fineTuning(data).toBuilder().walSegmentBytes(4096).checkpointInterval(Duration.ofHours(1))
                .guardrails(GuardSettings.minimal()).build();
    }

    /** Submits examples {@code from..to-1}, waits until they are applied, optionally checkpoints. */
    private static void feed(FineTuningService s, int from, int to, boolean checkpoint) throws Exception {
        for (int i = from; i < to; i++) {
            assertEquals(i + 1, s.submit("topics", CrashingFineTuner.example(i)));
        }
        assertTrue(s.tuner("topics").awaitApplied(Duration.ofSeconds(10)));
        if (checkpoint) {
            s.tuner("topics").checkpointIfChanged();
        }
    }

    private static void overwriteTable(Path modelFile) throws IOException {
        byte[] b = Files.readAllBytes(modelFile);
        long header = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(MAGIC);
        int table = (int) (MAGIC + 8 + header);
        Arrays.fill(b, table, Math.min(table + 8192, b.length - 64), (byte) 0xff);   // NaN floats, up to 8 KB of them
        Files.write(modelFile, b);
    }

    private static void flipLabelInHeader(Path modelFile) throws IOException {
        byte[] b = Files.readAllBytes(modelFile);
        int at = new String(b, StandardCharsets.ISO_8859_1).indexOf("__label__sport");
        b[at + "__label__spor".length()] ^= 0x01;   // sport -> sporu
        Files.write(modelFile, b);
    }

    private static void assertServesSensibly(ServedModel m) {
        Classification c = m.classify("goal match striker league", 2);
        assertEquals("sport", c.labels().getFirst().label());
        for (Classification.LabelScore s : c.labels()) {
            assertTrue(Float.isFinite(s.probability()) && s.probability() > 0 && s.probability() < 1, c.toString());
        }
    }

    @Test
    void aDamagedTableFallsBackToThePreviousCheckpointPlusTheLog() throws Exception {
        fallsBackToThePreviousCheckpoint(true);
    }

    @Test
    void aDamagedHeaderFallsBackToThePreviousCheckpointPlusTheLog() throws Exception {
        fallsBackToThePreviousCheckpoint(false);
    }

    private void fallsBackToThePreviousCheckpoint(boolean table) throws Exception {
        Path model = TestModels.trainedFile(dir, TrainingArgs.Loss.HS);
        Path data = dir.resolve("data");
        ModelRegistry first = new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null);
        FineTuningService s = new FineTuningService(first, fineTuning(data), null);
        feed(s, 0, 100, true);
        feed(s, 100, 200, true);
        CheckpointStore store = first.checkpointStore("topics");
        assertEquals(List.of(200L, 100L), store.kept().stream().map(CheckpointStore.Snapshot::walSequence).toList());
        Path wal = data.resolve("topics").resolve("wal");
        feed(s, 200, 250, false);
        s.halt();   // a crash: examples 201..250 are only in the log
        long firstLogged = firstSequenceOf(wal);
        assertTrue(firstLogged > 1 && firstLogged <= 101, "the log was trimmed, but only through the oldest kept checkpoint: " + firstLogged);

        Path newest = store.kept().getFirst().modelFile();
        if (table) {
            overwriteTable(newest);
        } else {
            flipLabelInHeader(newest);
        }

        ModelRegistry registry = new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null);
        ServedModel m = registry.get("topics");
        assertEquals(1, registry.checkpointFallbacks("topics"), "the fallback is counted");
        assertEquals(100, m.examplesApplied(), "the previous checkpoint holds 100 examples");
        assertTrue(m.version() >= store.kept().getFirst().version(), "versions never go back");
        try (FineTuningService service = new FineTuningService(registry, fineTuning(data), null)) {
            assertEquals(250, m.examplesApplied(), "101..250 replayed from the log: every acknowledged example, once");
            assertEquals(250, m.appliedSequence());
            assertServesSensibly(m);
            for (int i = 0; i < 7; i++) {
                assertTrue(m.classifier().dictionary().labelId("__label__fresh" + i) >= 0);
            }
            service.tuner("topics").checkpointIfChanged();   // the fallback is written as the new newest checkpoint
            List<CheckpointStore.Snapshot> kept = registry.checkpointStore("topics").kept();
            assertEquals(List.of(250L, 100L), kept.stream().map(CheckpointStore.Snapshot::walSequence).toList(),
                    "the damaged checkpoint is no one's fallback");
            assertFalse(Files.exists(newest));
            assertTrue(Files.exists(newest.resolveSibling(CheckpointStore.DAMAGED_DIR).resolve(newest.getFileName())), "set aside");
        }
        ModelRegistry again = new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null);
        assertEquals(0, again.checkpointFallbacks("topics"));
        assertEquals(250, again.get("topics").examplesApplied());
    }

    /** The only checkpoint is damaged: the base model plus the whole log, which was never trimmed while one checkpoint existed. */
    @Test
    void aDamagedOnlyCheckpointFallsBackToTheBaseModelPlusTheWholeLog() throws Exception {
        Path model = TestModels.trainedFile(dir, TrainingArgs.Loss.HS);
        Path data = dir.resolve("data");
        ModelRegistry first = new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null);
        FineTuningService s = new FineTuningService(first, fineTuning(data), null);
        feed(s, 0, 120, true);
        feed(s, 120, 150, false);
        s.halt();
        assertEquals(1, firstSequenceOf(data.resolve("topics").resolve("wal")), "not trimmed: the base model is the fallback");
        overwriteTable(first.checkpointStore("topics").kept().getFirst().modelFile());

        ModelRegistry registry = new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null);
        ServedModel m = registry.get("topics");
        assertEquals(1, registry.checkpointFallbacks("topics"));
        assertEquals(0, m.examplesApplied());
        try (FineTuningService service = new FineTuningService(registry, fineTuning(data), null)) {
            assertEquals(150, m.examplesApplied());
            assertEquals(150, m.appliedSequence());
            assertServesSensibly(m);
        }
    }

    /** After a swap the fallback is a second copy of the swapped-in model: older checkpoints hold another one. */
    @Test
    void aSwappedModelsFallbackIsItsOwnCopy() throws Exception {
        Path model = TestModels.trainedFile(dir, TrainingArgs.Loss.HS);
        Path other = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
        Path data = dir.resolve("data");
        ModelRegistry first = new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null);
        FineTuningService s = new FineTuningService(first, fineTuning(data), null);
        feed(s, 0, 40, true);
        feed(s, 40, 80, true);
        first.swap("topics", other);
        feed(s, 80, 90, false);
        s.halt();
        CheckpointStore store = first.checkpointStore("topics");
        List<CheckpointStore.Snapshot> kept = store.kept();
        assertEquals(List.of(80L, 80L), kept.stream().map(CheckpointStore.Snapshot::walSequence).toList());
        assertTrue(store.baseModelReplaced());
        overwriteTable(kept.getFirst().modelFile());

        ModelRegistry registry = new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null);
        ServedModel m = registry.get("topics");
        assertEquals(TrainingArgs.Loss.HSM, m.classifier().args().loss(), "the swapped-in model, not the one before it");
        assertEquals(1, registry.checkpointFallbacks("topics"));
        try (FineTuningService service = new FineTuningService(registry, fineTuning(data), null)) {
            assertEquals(90, m.appliedSequence());
        }
    }

    private static long firstSequenceOf(Path wal) throws IOException {
        try (var files = Files.list(wal)) {
            return files.map(p -> p.getFileName().toString()).filter(WriteAheadLog::isSegmentName).sorted().findFirst()
                    .map(n -> Long.parseLong(n.substring(4, 24))).orElseThrow();
        }
    }
}
