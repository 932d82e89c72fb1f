package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.serving.finetune.ModelFineTuner;
import dev.kindling.core.serving.log.ExampleCodec;
import dev.kindling.core.serving.log.PoisonRecordQuarantine;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.io.WriteAheadLog;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.serving.model.ServedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A log record the model cannot apply never stops fine-tuning: whether it is met replaying a log written
 * by an older release (that checked labels less) or while training live, it is set aside with its bytes
 * and its error, counted, the records after it are applied, and the next start is clean.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PoisonRecordQuarantineTest {

    @TempDir
    Path dir;

    private ModelRegistry registry(Path model, Path data) {
        return new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null);
    }

    private static List<Path> quarantined(Path data, String suffix) throws IOException {
        Path q = data.resolve("topics").resolve("quarantine");
        if (!Files.isDirectory(q)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(q)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void recordsAnOlderReleaseLoggedThatTheModelRefusesAreSetAsideAtReplayAndTheModelStarts() throws Exception {
        Path model = TestModels.trainedFile(dir, TrainingArgs.Loss.HS);
        Path data = dir.resolve("data");
        // Written straight to the log, as a release that let these labels through acknowledged them.
        byte[] nul = ExampleCodecTest.versionOne("t", "my\u0000label");
        byte[] lineSeparator = ExampleCodecTest.versionOne("some text", "a\u2028b");
        byte[] undecodable = {42, 1, 2, 3};
        byte[] lastOne = ExampleCodecTest.versionOne("last words", "c1\u0085control");
        try (WriteAheadLog wal = WriteAheadLog.open(data.resolve("topics").resolve("wal"), 16 * 1024)) {
            wal.append(ExampleCodec.encode(LabelledExample.of("before the poison", "early")));
            wal.append(nul);
            wal.append(ExampleCodec.encode(LabelledExample.of("after the poison", "late")));
            wal.append(lineSeparator);
            wal.append(undecodable);
            for (int i = 0; i < 20; i++) {
                wal.append(ExampleCodec.encode(CrashingFineTuner.example(i)));
            }
            wal.append(lastOne);
        }
        long lastSequence = 26;

        ModelRegistry registry = registry(model, data);
        ServedModel m = registry.get("topics");
        try (FineTuningService service = new FineTuningService(registry, CrashingFineTuner.fineTuning(data), null)) {
            ModelFineTuner tuner = service.tuner("topics");
            assertNull(tuner.failure());
            assertEquals(4, tuner.setAside());
            assertEquals(22, m.examplesApplied(), "every other record is applied");
            assertEquals(lastSequence, m.appliedSequence(), "the log is dealt with up to its last record, a poison one");
            assertTrue(m.classifier().dictionary().labelId("__label__early") >= 0);
            assertTrue(m.classifier().dictionary().labelId("__label__late") >= 0);
            assertEquals(-1, m.classifier().dictionary().labelId("__label__my\u0000label"));

            List<Path> records = quarantined(data, ".bin");
            assertEquals(4, records.size());
            assertArrayEquals(nul, Files.readAllBytes(records.get(0)), "the record's exact bytes are kept");
            assertArrayEquals(undecodable, Files.readAllBytes(records.get(2)));
            String why = Files.readString(quarantined(data, ".txt").get(0), StandardCharsets.UTF_8);
            assertTrue(why.contains("sequence: 2") && why.contains("U+0000") && why.contains("my\\u0000label"), why);
            assertTrue(!why.contains("\u0000"), "the description stays printable");
            assertEquals(4, tuner.quarantine().held());

            long next = service.submit("topics", LabelledExample.of("fresh feedback", "fresh"));
            assertEquals(lastSequence + 1, next);
            assertTrue(tuner.awaitApplied(Duration.ofSeconds(10)));
            assertEquals(23, m.examplesApplied());
        }

        ModelRegistry again = registry(model, data);
        try (FineTuningService service = new FineTuningService(again, CrashingFineTuner.fineTuning(data), null)) {
            ModelFineTuner tuner = service.tuner("topics");
            assertNull(tuner.failure());
            assertEquals(0, tuner.setAside(), "a clean restart: nothing set aside again");
            assertEquals(23, again.get("topics").examplesApplied());
            assertEquals(4, quarantined(data, ".bin").size(), "what was set aside stays for an operator");
        }
    }

    @Test
    void aCrashBeforeTheCheckpointSetsTheSameRecordAsideOnceAndTheModelStillStarts() throws Exception {
        Path model = TestModels.trainedFile(dir, TrainingArgs.Loss.HS);
        Path data = dir.resolve("data");
        try (WriteAheadLog wal = WriteAheadLog.open(data.resolve("topics").resolve("wal"), 16 * 1024)) {
            wal.append(ExampleCodecTest.versionOne("t", "my\u0000label"));
            wal.append(ExampleCodec.encode(LabelledExample.of("good text", "good")));
        }
        FineTuningService crashed = new FineTuningService(registry(model, data), CrashingFineTuner.fineTuning(data), null);
        assertEquals(1, crashed.tuner("topics").setAside());
        crashed.halt();   // no checkpoint: the next start replays the same log
        try (FineTuningService service = new FineTuningService(registry(model, data), CrashingFineTuner.fineTuning(data), null)) {
            assertNull(service.tuner("topics").failure());
            assertEquals(0, service.tuner("topics").setAside(), "already set aside: kept once");
            assertEquals(1, quarantined(data, ".bin").size());
            assertEquals(2, service.tuner("topics").model().appliedSequence());
        }
    }

    @Test
    void anExampleTheModelRefusesWhileTrainingLiveIsSetAsideAndTheRestIsTrained() throws Exception {
        Path model = TestModels.trainedFile(dir, TrainingArgs.Loss.HS);
        Path data = dir.resolve("data");
        ModelRegistry registry = registry(model, data);
        ServedModel m = registry.get("topics");
        FineTuningSettings settings = CrashingFineTuner.fineTuning(data);
        // A refusal the front door could not foresee (the model and the rules should never disagree; if they do, this holds).
        ModelFineTuner.BatchTrainer refusing = (examples, lr, last, marks) -> {
            if (examples.stream().anyMatch(e -> e.text().contains("refused"))) {
                throw new IllegalArgumentException("the model refuses this example");
            }
            return m.update(examples, lr, last, marks);
        };
        Path dirOfModel = data.resolve("topics");
        LabelledExample poison = LabelledExample.of("refused by the model", "x");
        try (ModelFineTuner tuner = new ModelFineTuner(m, refusing, settings, dev.kindling.core.serving.log.LocalUpdateLog.open("topics", dirOfModel.resolve("wal"), 16 * 1024, null),
                registry.checkpointStore("topics"), new PoisonRecordQuarantine(dirOfModel.resolve("quarantine"), "topics"), null)) {
            for (int i = 0; i < 10; i++) {
                tuner.submit(i == 5 ? poison : CrashingFineTuner.example(i));
            }
            assertTrue(tuner.awaitApplied(Duration.ofSeconds(10)), "the refused example does not hold the others back");
            assertNull(tuner.failure());
            assertEquals(9, m.examplesApplied());
            assertEquals(1, tuner.setAside());
            assertArrayEquals(ExampleCodec.encode(poison), Files.readAllBytes(quarantined(data, ".bin").getFirst()));
            assertTrue(Files.readString(quarantined(data, ".txt").getFirst()).contains("sequence: 6"));
            tuner.submit(CrashingFineTuner.example(10));
            assertTrue(tuner.awaitApplied(Duration.ofSeconds(10)));
            assertEquals(10, m.examplesApplied());
        }
        ModelRegistry again = registry(model, data);
        try (FineTuningService service = new FineTuningService(again, settings, null)) {
            assertEquals(0, service.tuner("topics").setAside());
            assertEquals(10, again.get("topics").examplesApplied());
        }
    }
}
