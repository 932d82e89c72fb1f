package dev.kindling.core.serving.guard;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.finetune.FineTuneJob;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.text.TrainingArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.kindling.core.serving.guard.GuardedEngines.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

/** Who changed a model, when, from where, with how many examples: feedback, jobs and rollbacks, durable and queryable. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AuditTrailTest {

    @TempDir
    Path dir;

    private static AuditRecord record(String time, AuditAction action, String key) {
        return new AuditRecord(Instant.parse(time), action, key, "192.0.2.1", 1, "sequence 1", "labels x");
    }

    @Test
    void queriesFilterByTimeActionAndCallerNewestFirstAndSkipALineACrashCutShort() throws Exception {
        Path file = dir.resolve("audit").resolve("audit.jsonl");
        try (AuditTrail trail = AuditTrail.open(file)) {
            trail.append(record("2026-01-05T10:00:00Z", AuditAction.FEEDBACK, "key-a"));
            trail.append(record("2026-01-05T10:01:00Z", AuditAction.JOB, "key-b"));
            trail.append(record("2026-01-05T10:02:00Z", AuditAction.FEEDBACK, "key-b"));
        }
        Files.writeString(file, "{\"time\":\"2026-01-05T10:03:00Z\",\"act", StandardOpenOption.APPEND);   // torn by a crash
        try (AuditTrail trail = AuditTrail.open(file)) {
            trail.append(record("2026-01-05T10:04:00Z", AuditAction.ROLLBACK, "key-a"));

            assertThat(trail.query(AuditQuery.latest(10))).extracting(AuditRecord::time).containsExactly(
                    Instant.parse("2026-01-05T10:04:00Z"), Instant.parse("2026-01-05T10:02:00Z"), Instant.parse("2026-01-05T10:01:00Z"),
                    Instant.parse("2026-01-05T10:00:00Z"));
            assertThat(trail.query(new AuditQuery(null, null, AuditAction.FEEDBACK, null, 10))).extracting(AuditRecord::keyId)
                    .containsExactly("key-b", "key-a");
            assertThat(trail.query(new AuditQuery(null, null, null, "key-a", 10))).extracting(AuditRecord::action)
                    .containsExactly(AuditAction.ROLLBACK, AuditAction.FEEDBACK);
            assertThat(trail.query(new AuditQuery(Instant.parse("2026-01-05T10:01:00Z"), Instant.parse("2026-01-05T10:04:00Z"), null, null, 10)))
                    .hasSize(2);
            assertThat(trail.query(AuditQuery.latest(1))).singleElement().extracting(AuditRecord::action).isEqualTo(AuditAction.ROLLBACK);
        }
        assertThat(Files.readAllLines(file)).hasSize(5).last().asString().startsWith("{\"time\":\"2026-01-05T10:04:00Z\"");
    }

    @Test
    void feedbackJobsAndRollbacksAreAuditedWithWhoFromWhereAndHowMany() throws Exception {
        Path model = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
        try (ServingEngine engine = GuardedEngines.start(dir.resolve("data"), model, GuardedEngines.fineTuning(GuardSettings.defaults()).build(),
                null)) {
            RequestOrigin alice = new RequestOrigin("key-3f9a", "198.51.100.4");
            RequestOrigin ops = new RequestOrigin("key-ops", "10.0.0.2");
            engine.feedback(MODEL, LabelledExample.of("goal match striker", "sport"), alice);
            FineTuneJob job = engine.startJob(MODEL, new ByteArrayInputStream("""
                    __label__weather rain snow wind
                    __label__weather storm forecast cloud
                    not a labelled line
                    """.getBytes(StandardCharsets.UTF_8)), alice);
            job.whenEnded().get(30, TimeUnit.SECONDS);
            assertThat(engine.awaitApplied(MODEL, Duration.ofSeconds(30))).isTrue();
            engine.rollback(MODEL, engine.versions(MODEL).getLast().version(), LogAfterRollback.DISCARD, ops);

            List<AuditRecord> all = engine.audit(MODEL, AuditQuery.latest(100));
            assertThat(all).extracting(AuditRecord::action).containsExactly(AuditAction.ROLLBACK, AuditAction.JOB, AuditAction.FEEDBACK);
            AuditRecord rollback = all.get(0), jobRecord = all.get(1), feedback = all.get(2);
            assertThat(feedback).extracting(AuditRecord::keyId, AuditRecord::remoteAddress, AuditRecord::examples, AuditRecord::reference)
                    .containsExactly("key-3f9a", "198.51.100.4", 1L, "sequence 1");
            assertThat(feedback.detail()).contains("labels sport");
            assertThat(jobRecord).extracting(AuditRecord::keyId, AuditRecord::examples, AuditRecord::reference)
                    .containsExactly("key-3f9a", 2L, job.id());
            assertThat(jobRecord.detail()).contains("1 bad lines");
            assertThat(rollback).extracting(AuditRecord::keyId, AuditRecord::remoteAddress, AuditRecord::examples)
                    .containsExactly("key-ops", "10.0.0.2", 3L);
            assertThat(rollback.detail()).contains("discarded 3 log records");
            assertThat(engine.audit(MODEL, new AuditQuery(null, null, null, "key-ops", 10))).containsExactly(rollback);
        }
        // Durable: a new process reads the same trail.
        try (AuditTrail trail = AuditTrail.open(dir.resolve("data").resolve(MODEL).resolve("audit").resolve("audit.jsonl"))) {
            assertThat(trail.query(AuditQuery.latest(100))).hasSize(3);
        }
    }
}
