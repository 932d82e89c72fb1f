package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.io.WriteAheadLog;
import dev.kindling.core.io.WriteAheadLogCorruptException;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.serving.model.ServedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reproduction: a checkpoint at 120, the log at 150, 4 bytes flipped in the middle of the
 * log's only segment. The restart must not cut the log there (that silently dropped the 30 acknowledged
 * examples after the checkpoint): it fails naming file and offset, and changes nothing, until the
 * operator approves the cut.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WalCorruptionTest {

    private static final int CHECKPOINTED = 120;
    private static final int ACKNOWLEDGED = 150;

    @TempDir
    Path dir;

    private FineTuningSettings fineTuning(Path data) {
        // Checkpoints only where the test writes them.
        return CrashingFineTuner.fineTuning(data).toBuilder().walSegmentBytes(1 << 20).checkpointInterval(Duration.ofHours(1)).build();
    }

    @Test
    void aFlippedRecordMidLogStopsTheStartInsteadOfDroppingAcknowledgedExamples() throws Exception {
        Path model = TestModels.trainedFile(dir, TrainingArgs.Loss.HS);
        Path data = dir.resolve("data");
        FineTuningService first = new FineTuningService(new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null),
                fineTuning(data), null);
        for (int i = 0; i < ACKNOWLEDGED; i++) {
            assertEquals(i + 1, first.submit("topics", CrashingFineTuner.example(i)));
            if (i + 1 == CHECKPOINTED) {
                assertTrue(first.tuner("topics").awaitApplied(Duration.ofSeconds(10)));
                first.tuner("topics").checkpointIfChanged();
            }
        }
        assertTrue(first.tuner("topics").awaitApplied(Duration.ofSeconds(10)));
        first.halt();   // a crash: the last 30 examples are only in the log

        Path segment = data.resolve("topics").resolve("wal").resolve(String.format("wal-%020d.log", 1));
        int damaged = recordOffset(segment, 75);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[]{(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}), damaged + 20);
        }
        byte[] before = Files.readAllBytes(segment);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new FineTuningService(
                new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null), fineTuning(data), null));
        WriteAheadLogCorruptException cause = assertInstanceOf(WriteAheadLogCorruptException.class, e.getCause());
        assertEquals(segment, cause.segment());
        assertEquals(damaged, cause.offset());
        assertTrue(e.getMessage().contains(segment.toString()) && e.getMessage().contains("at byte " + damaged), e.getMessage());
        String approval = "wal-00000000000000000001.log:" + damaged;
        assertTrue(e.getMessage().contains("kindling.fine-tuning.approve-wal-truncation.topics=" + approval), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(segment), "the log is not cut without an approval");
        assertArrayEquals(before, Files.readAllBytes(segment.resolveSibling(WriteAheadLog.DAMAGED_DIR)
                .resolve(segment.getFileName() + ".damaged-at-" + damaged)), "an untouched copy is kept aside");

        // The operator approves the cut: the log ends before the checkpoint, which holds the first 120 examples;
        // examples 121..150, logged after the damage, are dropped (they stay in the copy).
        FineTuningSettings approved = fineTuning(data).toBuilder()
                .approvedTruncations(java.util.Map.of("topics", dev.kindling.core.io.ApprovedTruncation.parse(approval))).build();
        ModelRegistry registry = new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null);
        ServedModel m = registry.get("topics");
        FineTuningService service = new FineTuningService(registry, approved, null);
        assertEquals(CHECKPOINTED, m.examplesApplied());
        assertEquals(CHECKPOINTED + 1, service.submit("topics", CrashingFineTuner.example(1000)),
                "numbering continues after the checkpoint, so replay cannot skip new examples");
        assertTrue(service.tuner("topics").awaitApplied(Duration.ofSeconds(10)));
        service.halt();   // a crash again: the new example is only in the log
        ModelRegistry again = new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null);
        try (FineTuningService restarted = new FineTuningService(again, fineTuning(data), null)) {
            assertEquals(CHECKPOINTED + 1, again.get("topics").examplesApplied(), "the example acknowledged after the cut is replayed");
            assertEquals(CHECKPOINTED + 1, again.get("topics").appliedSequence());
        }
    }

    /** Byte offset of the record with sequence {@code seq} in the log's first segment. */
    private static int recordOffset(Path segment, int seq) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segment)).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        for (int i = 1; i < seq; i++) {
            at += 16 + b.getInt(at);
        }
        return at;
    }
}
