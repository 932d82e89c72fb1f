package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.checkpoint.CheckpointStore;
import dev.kindling.core.serving.checkpoint.JobIds;
import dev.kindling.core.serving.finetune.FineTuneJob;
import dev.kindling.core.serving.finetune.JobExamplesFile;
import dev.kindling.core.serving.finetune.JobFormatException;
import dev.kindling.core.serving.finetune.JobRecord;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.io.CheckpointFormatException;
import dev.kindling.core.text.BadLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stored forms of a job (record, examples) and of job progress in checkpoints: round trips and clear errors. */
class JobFilesTest {

    @TempDir
    Path dir;

    private static JobRecord record() {
        List<BadLine> bad = List.of(new BadLine(3, "no label (no token starts with __label__)"),
                new BadLine(9, "bad label 'a=b:c\\d': labels are\nstrange — ünïcode"));
        return JobRecord.accepted(JobIds.next(), "topics", 1234, bad, 57);
    }

    @Test
    void recordsRoundTripThroughEveryState() throws IOException {
        JobRecord r = record();
        assertEquals(r, JobRecord.decode(r.encode(), "test"));
        JobRecord running = r.withState(FineTuneJob.State.RUNNING).withCancelRequested();
        assertEquals(running, JobRecord.decode(running.encode(), "test"));
        JobRecord failed = running.finishedAs(FineTuneJob.State.FAILED, 77, 0.25, "disk on fire: \"x\"\n", Instant.parse("2025-01-02T03:04:05.678Z"));
        assertEquals(failed, JobRecord.decode(failed.encode(), "test"));
        assertTrue(failed.finished());
    }

    @Test
    void tornOrDamagedRecordsAreRecognised() {
        byte[] ok = record().encode();
        for (int cut : new int[] {0, 1, ok.length / 3, ok.length / 2, ok.length - 1}) {
            JobFormatException e = assertThrows(JobFormatException.class, () -> JobRecord.decode(Arrays.copyOf(ok, cut), "f"));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
        byte[] flipped = ok.clone();
        flipped[ok.length / 2] ^= 0x01;
        JobFormatException e = assertThrows(JobFormatException.class, () -> JobRecord.decode(flipped, "f"));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        String noState = new String(ok, StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("state=") && !l.startsWith("checksum="))
                .reduce("", (a, b) -> a + b + "\n");
        byte[] body = noState.getBytes(StandardCharsets.UTF_8);
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(body);
        byte[] resigned = (noState + "checksum=" + java.util.HexFormat.of().toHexDigits((int) c.getValue()) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        e = assertThrows(JobFormatException.class, () -> JobRecord.decode(resigned, "f"));
        assertTrue(e.getMessage().contains("'state' is missing"), e.getMessage());
    }

    @Test
    void examplesRoundTripAndDamageIsAnError() throws IOException {
        List<LabelledExample> examples = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            examples.add(new LabelledExample("text number " + i + " ✓", List.of("a" + i, "b")));
        }
        Path f = dir.resolve("examples.bin");
        JobExamplesFile.write(f, examples);
        assertEquals(examples, JobExamplesFile.read(f));
        byte[] ok = Files.readAllBytes(f);

        Files.write(f, Arrays.copyOf(ok, ok.length - 3));
        assertTrue(assertThrows(JobFormatException.class, () -> JobExamplesFile.read(f)).getMessage().contains("truncated"));
        byte[] flipped = ok.clone();
        flipped[ok.length - 10] ^= 0x20;   // inside the last example's text
        Files.write(f, flipped);
        assertTrue(assertThrows(JobFormatException.class, () -> JobExamplesFile.read(f)).getMessage().contains("checksum"));
        byte[] magic = ok.clone();
        magic[0] = 'X';
        Files.write(f, magic);
        assertTrue(assertThrows(JobFormatException.class, () -> JobExamplesFile.read(f)).getMessage().contains("magic"));
    }

    @Test
    void checkpointsCarryJobProgress() throws IOException {
        CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"));
        Path model = Files.writeString(dir.resolve("m.bin"), "model");
        String a = JobIds.next();
        String b = JobIds.next();
        store.commit(f -> Files.copy(model, f), 40, 40, 3, Map.of(a, 17L, b, 0L));
        CheckpointStore.Snapshot s = store.current().orElseThrow();
        assertEquals(Map.of(a, 17L, b, 0L), s.jobProgress());
        assertEquals(40, s.walSequence());
        store.commit(f -> Files.copy(model, f), 41, 41, 4);
        assertEquals(Map.of(), store.current().orElseThrow().jobProgress());

        Path current = dir.resolve("checkpoints").resolve("CURRENT");
        String text = Files.readString(current);
        Files.writeString(current, text.replace("jobs=", "jobs=" + a + ":x"));
        assertThrows(CheckpointFormatException.class, store::current);
        Files.writeString(current, text.replace("jobs=", "jobs=../../etc:4"));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, store::current);
        assertTrue(e.getMessage().contains("bad job progress"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> store.commit(f -> Files.copy(model, f), 42, 42, 5, Map.of("nope", 1L)));
    }
}
