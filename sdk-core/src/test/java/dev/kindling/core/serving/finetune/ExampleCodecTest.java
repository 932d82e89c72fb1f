package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.checkpoint.JobIds;
import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.serving.log.ExampleCodec;
import dev.kindling.core.serving.model.JobPosition;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.io.WriteAheadLog;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.serving.model.ServedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Log records of both versions decode; logs and checkpoints written before durable jobs still load and replay. */
class ExampleCodecTest {

    @TempDir
    Path dir;

    /** Version 1 exactly as the release before durable jobs wrote it (byte for byte, not through the codec). */
    static byte[] versionOne(String text, String... labels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(1);
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(t.length);
        out.write(t);
        out.writeShort(labels.length);
        for (String l : labels) {
            byte[] b = l.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }
        return bytes.toByteArray();
    }

    @Test
    void versionOneRecordsStillDecodeAndFeedbackIsStillWrittenAsVersionOne() throws IOException {
        byte[] old = versionOne("héllo wörld", "greeting", "misc");
        ExampleCodec.Logged l = ExampleCodec.decodeLogged(old);
        assertEquals(new LabelledExample("héllo wörld", List.of("greeting", "misc")), l.example());
        assertNull(l.position(), "a version-1 record is feedback, not a job's");
        assertArrayEquals(old, ExampleCodec.encode(l.example()), "feedback keeps the version-1 form");
    }

    @Test
    void jobExamplesCarryTheirJobAndIndex() {
        String id = JobIds.next();
        LabelledExample e = LabelledExample.of("some text", "label");
        byte[] b = ExampleCodec.encode(e, new JobPosition(id, 123_456_789_012L));
        assertEquals(ExampleCodec.JOB_EXAMPLE, b[0]);
        ExampleCodec.Logged l = ExampleCodec.decodeLogged(b);
        assertEquals(e, l.example());
        assertEquals(new JobPosition(id, 123_456_789_012L), l.position());
        assertEquals(e, ExampleCodec.decode(b));
    }

    @Test
    void badRecordsAreClearErrors() throws IOException {
        byte[] future = versionOne("x", "y");
        future[0] = 9;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ExampleCodec.decodeLogged(future));
        assertTrue(e.getMessage().contains("unknown example record version 9"), e.getMessage());
        byte[] ok = ExampleCodec.encode(LabelledExample.of("text", "l"), new JobPosition(JobIds.next(), 3));
        e = assertThrows(IllegalStateException.class, () -> ExampleCodec.decodeLogged(Arrays.copyOf(ok, ok.length - 2)));
        assertTrue(e.getMessage().contains("malformed"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new JobPosition("../../etc", 0));
        assertThrows(IllegalArgumentException.class, () -> new JobPosition(JobIds.next(), -1));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aDataDirectoryWrittenBeforeDurableJobsReplays() throws Exception {
        Path model = TestModels.trainedFile(dir, TrainingArgs.Loss.HS);
        Path data = dir.resolve("data");
        Path checkpoints = data.resolve("topics").resolve("checkpoints");
        Files.createDirectories(checkpoints);
        Files.copy(model, checkpoints.resolve("model-00000000000000000010-1.bin"));
        // CURRENT as the previous release wrote it: no jobs line.
        Files.writeString(checkpoints.resolve("CURRENT"),
                "model=model-00000000000000000010-1.bin\nwalSequence=10\nexamplesApplied=10\nversion=5\n");
        try (WriteAheadLog wal = WriteAheadLog.open(data.resolve("topics").resolve("wal"), 4096)) {
            for (int i = 0; i < 25; i++) {
                wal.append(versionOne("old feedback word" + i, "legacy" + (i % 2)));
            }
        }
        ModelRegistry registry = new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null);
        ServedModel m = registry.get("topics");
        assertEquals(10, m.examplesApplied());
        assertTrue(m.jobsInProgress().isEmpty());
        try (FineTuningService service = new FineTuningService(registry, CrashingFineTuner.fineTuning(data), null)) {
            assertEquals(25, m.examplesApplied(), "the 15 records after the checkpoint replayed");
            assertEquals(25, m.appliedSequence());
            assertTrue(m.classifier().dictionary().labelId("__label__legacy1") >= 0);
            assertEquals(26, service.submit("topics", LabelledExample.of("new feedback", "legacy0")));
            assertTrue(service.tuner("topics").awaitApplied(Duration.ofSeconds(10)));
            service.tuner("topics").checkpointIfChanged();
            assertTrue(Files.readString(checkpoints.resolve("CURRENT")).contains("\njobs=\n"), "the new checkpoint has the jobs line");
        }
    }
}
