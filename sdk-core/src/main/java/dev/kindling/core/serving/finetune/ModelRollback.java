package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.guard.AuditAction;
import dev.kindling.core.serving.guard.AuditRecord;
import dev.kindling.core.serving.guard.KeptVersion;
import dev.kindling.core.serving.guard.LogAfterRollback;
import dev.kindling.core.serving.guard.ModelGuard;
import dev.kindling.core.text.ModelDigest;
import dev.kindling.core.serving.guard.RequestOrigin;
import dev.kindling.core.serving.guard.RollbackRefusedException;
import dev.kindling.core.serving.guard.RollbackResult;
import dev.kindling.core.serving.log.ExampleCodec;
import dev.kindling.core.serving.log.UpdateLog;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.text.TextClassifier;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rolls a model back to a kept version. Training pauses (classification goes on, serving what it served); the version's
 * file is loaded into a private model and checked against the version's parameter digest; the records the log holds after
 * the version, up to where the model is, are learned again ({@link LogAfterRollback#REPLAY}) or skipped
 * ({@link LogAfterRollback#DISCARD}) on that private model, so that it ends at the same log position; the live model then
 * takes it over in one step (a new version number with exactly the restored parameters, plus the replayed rounds, which the
 * gate judges before they are served). A checkpoint is written at once and the rollback is audited.
 */
final class ModelRollback {

    private static final System.Logger log = System.getLogger(ModelRollback.class.getName());

    private ModelRollback() {
    }

    static RollbackResult run(ModelFineTuner tuner, long version, LogAfterRollback choice, RequestOrigin origin) throws IOException {
        ModelGuard guard = tuner.guard();
        ServedModel live = tuner.model();
        KeptVersion kept = guard.versions().get(version);
        Path file = guard.versions().file(kept);
        tuner.roundLock().lock();
        try {
            long position = live.appliedSequence();
            UpdateLog wal = tuner.log();
            if (choice == LogAfterRollback.REPLAY && position > kept.walSequence() && wal.firstSequence() > kept.walSequence() + 1) {
                throw new RollbackRefusedException("model '" + live.name() + "' cannot replay the log after version " + version
                        + ": the version holds up to log sequence " + kept.walSequence() + " but the log starts at " + wal.firstSequence()
                        + "; roll back with the log discarded instead");
            }
            TextClassifier restored = load(guard, kept, file);
            String digest = kept.digest();   // load checked that the restored parameters have it
            ServedModel replica = new ServedModel(live.name(), live.settings(), restored);
            replica.restore(kept.walSequence(), kept.state().examplesApplied(), kept.version(), kept.state().jobProgress());
            if (live.servesSeparateCopy()) {
                replica.serveSeparately(guard.copier(), guard.copier().apply(restored), kept.state(), true, Long.MAX_VALUE);
            }
            long records = bringUpTo(replica, wal, kept.walSequence(), position, choice, tuner.settings());
            // Jobs that ended since the version are not tracked by the live model any more: their replayed marks are stale.
            Set<String> active = live.jobsInProgress();
            for (String job : replica.jobsInProgress()) {
                if (!active.contains(job)) {
                    replica.forgetJobProgress(job);
                }
            }
            long served = live.adopt(replica);
            if (guard.gate() != null) {
                guard.gate().rolledBack(served, kept.walSequence(), choice == LogAfterRollback.DISCARD);
            }
            guard.settle();
            tuner.checkpointNow();
            String detail = (choice == LogAfterRollback.REPLAY ? "replayed " : "discarded ") + records + " log records after version "
                    + version + " (log sequence " + kept.walSequence() + " to " + position + "); served as version " + served;
            guard.audit(new AuditRecord(guard.clock().instant(), AuditAction.ROLLBACK, origin.keyId(), origin.remoteAddress(), records,
                    "version " + version, detail));
            log.log(System.Logger.Level.WARNING, "model " + live.name() + ": rolled back to version " + version + " (digest " + digest
                    + "); " + detail);
            return new RollbackResult(version, served, choice, records, digest);
        } finally {
            tuner.roundLock().unlock();
        }
    }

    private static TextClassifier load(ModelGuard guard, KeptVersion kept, Path file) {
        try {
            TextClassifier c = guard.copier().load(file);
            if (!ModelDigest.of(c).combined().equals(kept.digest())) {
                throw new IOException("its parameters do not match the digest recorded when it was kept (" + kept.digest() + ")");
            }
            return c;
        } catch (IOException | RuntimeException e) {
            throw new RollbackRefusedException("model '" + guard.model().name() + "': kept version " + kept.version() + " (" + file
                    + ") cannot be restored: " + e.getMessage(), e);
        }
    }

    /**
     * Replays or skips the log records after {@code from} up to {@code to} on {@code replica}; returns how many. A record
     * the model refuses (it was set aside when first applied) is skipped again.
     */
    private static long bringUpTo(ServedModel replica, UpdateLog wal, long from, long to, LogAfterRollback choice, FineTuningSettings settings)
            throws IOException {
        List<LabelledExample> batch = new ArrayList<>();
        List<Long> sequences = new ArrayList<>();
        Map<String, Long> marks = new HashMap<>();
        long[] count = {0};
        wal.replay(from, (seq, payload) -> {
            if (seq > to) {
                return;   // not applied by the live model yet: its training loop takes it after the rollback
            }
            count[0]++;
            ExampleCodec.Logged logged;
            try {
                logged = ExampleCodec.decodeLogged(payload);
            } catch (IllegalStateException undecodable) {
                train(replica, batch, sequences, marks, settings);
                replica.skip(seq, Map.of());
                return;
            }
            Map<String, Long> mark = logged.position() == null ? Map.of() : Map.of(logged.position().jobId(), logged.position().index());
            if (choice == LogAfterRollback.DISCARD) {
                replica.skip(seq, mark);
                return;
            }
            batch.add(logged.example());
            sequences.add(seq);
            mark.forEach((j, i) -> marks.merge(j, i, Math::max));
            if (batch.size() >= settings.batchSize()) {
                train(replica, batch, sequences, marks, settings);
            }
        });
        train(replica, batch, sequences, marks, settings);
        replica.skip(to, Map.of());   // the same position as the live model, whatever the log held
        return count[0];
    }

    private static void train(ServedModel replica, List<LabelledExample> batch, List<Long> sequences, Map<String, Long> marks,
                              FineTuningSettings settings) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            replica.update(batch, settings.learningRate(), sequences.getLast(), marks);
        } catch (IllegalArgumentException refused) {
            for (int i = 0; i < batch.size(); i++) {
                try {
                    replica.update(List.of(batch.get(i)), settings.learningRate(), sequences.get(i), Map.of());
                } catch (IllegalArgumentException e) {
                    replica.skip(sequences.get(i), Map.of());
                }
            }
            replica.skip(sequences.getLast(), marks);
        }
        batch.clear();
        sequences.clear();
        marks.clear();
    }
}
