package dev.kindling.core.serving.guard;

import dev.kindling.core.text.ModelDigest;
import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.text.TrainingArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.kindling.core.serving.guard.GuardedEngines.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rollback restores the exact parameters of the chosen kept version: the parameter digest of the learned copy and of the
 * served copy after the rollback equal the digest recorded when the version was kept, and differ from the digest before
 * it. What the log held after the version is discarded or learned again, as asked.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RollbackTest {

    @TempDir
    Path dir;

    private static void teach(ServingEngine engine, String label, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            engine.feedback(MODEL, LabelledExample.of("zorblax quintessa flimflam " + label + " sample " + i, label));
        }
        assertThat(engine.awaitApplied(MODEL, Duration.ofSeconds(30))).isTrue();
    }

    /** Keeps the served version now (what every checkpoint does) and returns it. */
    private static KeptVersion keep(ServingEngine engine) throws Exception {
        engine.fineTuning().tuner(MODEL).checkpointIfChanged();
        return engine.versions(MODEL).getFirst();
    }

    @Test
    void discardingRestoresTheExactParametersOfTheChosenVersion() throws Exception {
        Path file = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
        try (ServingEngine engine = GuardedEngines.start(dir.resolve("data"), file, GuardedEngines.fineTuning(GuardSettings.defaults()).build(),
                null)) {
            ServedModel m = engine.model(MODEL);
            teach(engine, "alpha", 20);
            KeptVersion chosen = keep(engine);
            assertThat(chosen.digest()).isEqualTo(ModelDigest.of(m.servingClassifier()).combined())
                    .as("the served copy, built from deltas, equals the learned copy").isEqualTo(ModelDigest.of(m.classifier()).combined());

            teach(engine, "beta", 20);
            KeptVersion later = keep(engine);
            String before = ModelDigest.of(m.classifier()).combined();
            assertThat(later.version()).isGreaterThan(chosen.version());
            assertThat(before).isNotEqualTo(chosen.digest());
            assertThat(m.classifier().dictionary().labelId("__label__beta")).isGreaterThanOrEqualTo(0);

            RollbackResult r = engine.rollback(MODEL, chosen.version(), LogAfterRollback.DISCARD, new RequestOrigin("key-ops", "10.0.0.7"));

            assertThat(ModelDigest.of(m.classifier()).combined()).as("learned copy after rollback").isEqualTo(chosen.digest());
            assertThat(ModelDigest.of(m.servingClassifier()).combined()).as("served copy after rollback").isEqualTo(chosen.digest());
            assertThat(r.records()).isEqualTo(20);
            assertThat(r.servedVersion()).as("versions never go back").isGreaterThan(later.version());
            assertThat(engine.classify(MODEL, "zorblax quintessa flimflam", 3).version()).isEqualTo(r.servedVersion());
            assertThat(m.classifier().dictionary().labelId("__label__beta")).as("beta was taught after the chosen version").isEqualTo(-1);
            assertThat(m.appliedSequence()).as("the discarded records are dealt with, not pending").isEqualTo(40);

            // Learning goes on from the restored parameters.
            teach(engine, "gamma", 5);
            assertThat(m.servingClassifier().dictionary().labelId("__label__gamma")).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void replayingLearnsTheLaterRecordsAgainOnTopOfTheRestoredVersion() throws Exception {
        Path file = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
        try (ServingEngine engine = GuardedEngines.start(dir.resolve("data"), file, GuardedEngines.fineTuning(GuardSettings.defaults()).build(),
                null)) {
            ServedModel m = engine.model(MODEL);
            teach(engine, "alpha", 10);
            KeptVersion chosen = keep(engine);
            teach(engine, "beta", 10);
            String learnedBefore = ModelDigest.of(m.classifier()).combined();

            RollbackResult r = engine.rollback(MODEL, chosen.version(), LogAfterRollback.REPLAY, RequestOrigin.LOCAL);

            assertThat(r.records()).isEqualTo(10);
            assertThat(m.servingClassifier().dictionary().labelId("__label__beta")).as("replayed and promoted").isGreaterThanOrEqualTo(0);
            assertThat(ModelDigest.of(m.classifier()).combined()).as("the same records, in the same order, on the same parameters")
                    .isEqualTo(learnedBefore);
        }
    }

    /** A kept file that no longer holds the parameters its digest names (here: another kept version's file) is refused. */
    @Test
    void aKeptFileThatDoesNotMatchItsDigestIsRefusedAndNothingChanges() throws Exception {
        Path file = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
        try (ServingEngine engine = GuardedEngines.start(dir.resolve("data"), file, GuardedEngines.fineTuning(GuardSettings.defaults()).build(),
                null)) {
            ServedModel m = engine.model(MODEL);
            teach(engine, "alpha", 10);
            KeptVersion chosen = keep(engine);
            teach(engine, "beta", 10);
            KeptVersion later = keep(engine);
            java.nio.file.Files.copy(engine.guard(MODEL).versions().file(later), engine.guard(MODEL).versions().file(chosen),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            String before = ModelDigest.of(m.classifier()).combined();
            long served = m.servingVersion();

            assertThatThrownBy(() -> engine.rollback(MODEL, chosen.version(), LogAfterRollback.DISCARD, RequestOrigin.LOCAL))
                    .isInstanceOf(RollbackRefusedException.class).hasMessageContaining("do not match the digest");
            assertThat(ModelDigest.of(m.classifier()).combined()).isEqualTo(before);
            assertThat(m.servingVersion()).isEqualTo(served);
            assertThat(m.servingClassifier().dictionary().labelId("__label__beta")).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void anUnknownVersionIsRefusedNamingTheKeptOnes() throws Exception {
        Path file = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
        try (ServingEngine engine = GuardedEngines.start(dir.resolve("data"), file, GuardedEngines.fineTuning(GuardSettings.defaults()).build(),
                null)) {
            List<Long> kept = engine.versions(MODEL).stream().map(KeptVersion::version).toList();
            assertThatThrownBy(() -> engine.rollback(MODEL, 999, LogAfterRollback.DISCARD, RequestOrigin.LOCAL))
                    .isInstanceOf(UnknownVersionException.class).hasMessageContaining("no version 999").hasMessageContaining(kept.toString());
        }
    }
}
