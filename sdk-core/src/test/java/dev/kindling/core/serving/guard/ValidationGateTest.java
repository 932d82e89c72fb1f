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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.kindling.core.serving.guard.GuardedEngines.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The validation gate: a version within bounds is served; one that does measurably worse on the held-out set is not
 * (the last good version stays served, a HELD event is raised), also across a restart; a rollback ends the hold.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ValidationGateTest {

    private static final String SPORT = "goal match striker league referee";

    @TempDir
    Path dir;

    private final List<GateEvent> events = new CopyOnWriteArrayList<>();

    private GuardSettings guard() throws Exception {
        Path heldOut = Files.writeString(dir.resolve("held-out.txt"), TestModels.corpus(10, 5), StandardCharsets.UTF_8);
        return GuardSettings.defaults().withLabels(LabelPolicySettings.unrestricted())
                .withGate(GateSettings.defaults().withHeldOutFile(heldOut).withMinHeldOut(10));
    }

    private ServingEngine start(Path model, GuardSettings guard) throws Exception {
        return GuardedEngines.start(dir.resolve("data"), model, GuardedEngines.fineTuning(guard).build(), events::add);
    }

    /** Sport texts taught as cooking: what a client that mislabels on purpose sends. */
    private static void poison(ServingEngine engine, int n) throws Exception {
        Random rng = new Random(3);
        String[] words = TestModels.TOPICS[0][1].split(" ");
        for (int i = 0; i < n; i++) {
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < 5; w++) {
                text.append(words[rng.nextInt(words.length)]).append(' ');
            }
            engine.feedback(MODEL, LabelledExample.of(text.toString().trim(), "cooking"));
        }
        assertThat(engine.awaitApplied(MODEL, Duration.ofSeconds(60))).isTrue();
    }

    @Test
    void aVersionWithinBoundsIsServed() throws Exception {
        try (ServingEngine engine = start(TestModels.trainedFile(dir, TrainingArgs.Loss.HSM), guard())) {
            for (int i = 0; i < 10; i++) {
                engine.feedback(MODEL, LabelledExample.of("nebula pulsar quasar telescope orbit " + i, "astronomy"));
            }
            assertThat(engine.awaitApplied(MODEL, Duration.ofSeconds(30))).isTrue();

            ValidationGate gate = engine.guard(MODEL).gate();
            assertThat(gate.held()).isFalse();
            assertThat(gate.lastJudgement().judged()).isTrue();
            assertThat(gate.lastJudgement().admitted()).isTrue();
            assertThat(engine.classify(MODEL, "nebula pulsar quasar", 1).labels().getFirst().label()).isEqualTo("astronomy");
            assertThat(engine.classify(MODEL, SPORT, 1).version()).isEqualTo(engine.model(MODEL).version());
            assertThat(events).isEmpty();
        }
    }

    @Test
    void aVersionThatDoesWorseIsNotServedTheLastGoodOneStaysAlsoAfterARestartAndARollbackEndsTheHold() throws Exception {
        Path file = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
        GuardSettings guard = guard();
        String goodDigest;
        long goodVersion;
        try (ServingEngine engine = start(file, guard)) {
            ServedModel m = engine.model(MODEL);
            assertThat(engine.classify(MODEL, SPORT, 1).labels().getFirst().label()).isEqualTo("sport");
            goodVersion = m.servingVersion();
            goodDigest = ModelDigest.of(m.servingClassifier()).combined();

            poison(engine, 300);

            ValidationGate gate = engine.guard(MODEL).gate();
            assertThat(gate.held()).as(String.valueOf(gate.lastJudgement())).isTrue();
            assertThat(gate.heldSince()).isNotNull();
            assertThat(gate.lastJudgement().reason()).contains("held-out precision at 1 fell");
            assertThat(events).extracting(GateEvent::kind).containsExactly(GateEvent.Kind.HELD);
            assertThat(events.getFirst().candidate().precisionAt1()).isLessThan(events.getFirst().served().precisionAt1() - 0.05);
            // Served: the last version within bounds of the version served at start; learned: the poisoned one.
            List<HeldOutExample> heldOut = FileHeldOutSet.read(MODEL, guard.gate().heldOutFile(), "__label__").examples();
            HeldOutScore base = HeldOutScorer.score(dev.kindling.core.text.TextClassifier.load(file), heldOut);
            assertThat(HeldOutScorer.score(m.servingClassifier(), heldOut).precisionAt1()).isGreaterThanOrEqualTo(base.precisionAt1() - 0.05);
            assertThat(HeldOutScorer.score(m.classifier(), heldOut).precisionAt1()).isLessThan(base.precisionAt1() - 0.05);
            assertThat(m.classifier().predict(SPORT, 1, 0).getFirst().label()).as("learned: poisoned").isEqualTo("__label__cooking");
            assertThat(engine.classify(MODEL, SPORT, 1).version()).isLessThan(m.version());
            assertThat(engine.guard(MODEL).online().precisionAt1()).as("the served answers were wrong for the poison").isLessThan(0.5);
        }
        events.clear();
        try (ServingEngine engine = start(file, guard)) {
            ServedModel m = engine.model(MODEL);
            assertThat(engine.guard(MODEL).gate().held()).as("after the restart too").isTrue();
            assertThat(events).extracting(GateEvent::kind).containsExactly(GateEvent.Kind.HELD);
            KeptVersion served = engine.versions(MODEL).getFirst();
            assertThat(served.version()).isEqualTo(m.servingVersion());
            assertThat(ModelDigest.of(m.servingClassifier()).combined()).isEqualTo(served.digest());

            KeptVersion initial = engine.versions(MODEL).getLast();
            assertThat(initial.version()).isEqualTo(goodVersion);
            assertThat(initial.digest()).isEqualTo(goodDigest);
            engine.rollback(MODEL, initial.version(), LogAfterRollback.DISCARD, RequestOrigin.LOCAL);

            assertThat(engine.guard(MODEL).gate().held()).isFalse();
            assertThat(events).extracting(GateEvent::kind).containsExactly(GateEvent.Kind.HELD, GateEvent.Kind.RESUMED);
            assertThat(ModelDigest.of(m.classifier()).combined()).isEqualTo(goodDigest);
            assertThat(m.classifier().predict(SPORT, 1, 0).getFirst().label()).isEqualTo("__label__sport");
        }
    }

    @Test
    void aReservoirTakesOnlyServedExamplesOnceAVersionIsKept() throws Exception {
        GuardSettings guard = GuardSettings.defaults().withGate(GateSettings.defaults().withReservoirSize(8).withMinHeldOut(4));
        try (ServingEngine engine = start(TestModels.trainedFile(dir, TrainingArgs.Loss.HSM), guard)) {
            for (int i = 0; i < 20; i++) {
                engine.feedback(MODEL, LabelledExample.of("goal match striker " + i, "sport"));
            }
            assertThat(engine.awaitApplied(MODEL, Duration.ofSeconds(30))).isTrue();
            ValidationGate gate = engine.guard(MODEL).gate();
            assertThat(gate.heldOut().size()).as("served, but no version kept yet").isZero();
            assertThat(gate.lastJudgement().judged()).isFalse();
            assertThat(gate.lastJudgement().reason()).contains("fewer than the 4 needed");

            engine.fineTuning().tuner(MODEL).checkpointIfChanged();   // keeps the served version

            assertThat(gate.heldOut().size()).isEqualTo(8);
            assertThat(gate.heldOut().examples()).allSatisfy(h -> assertThat(h.sequence()).isBetween(1L, 20L));
            assertThat(gate.heldOut().describe()).contains("8 of at most 8, sampled from 20");
        }
    }
}
