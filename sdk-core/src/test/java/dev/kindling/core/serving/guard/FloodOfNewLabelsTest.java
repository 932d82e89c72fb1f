package dev.kindling.core.serving.guard;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.finetune.FineTuningSettings;
import dev.kindling.core.serving.model.Classification;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.ModelSettings;
import dev.kindling.core.text.TextClassifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The measured scenario: 2,000 feedback requests, each with a brand-new random label and a text about the fruit,
 * were all accepted (labels 20,484 -> 22,484) and "a sweet red fruit that grows on trees" then answered only with spam
 * labels. With the default guardrails the label policy takes 100 new labels an hour and refuses the other 1,900 before
 * anything is logged, naming the rule, and the answer stays edible_fruit. With a held-out file (a set of answers that must
 * stay right) the validation gate also stops serving the flood's versions once they do measurably worse on it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FloodOfNewLabelsTest {

    private static final String MODEL = "wordnet";
    private static final String[] TEXTS = {FruitModel.QUESTION, "sweet red fruit", "a fruit that grows on trees", "red sweet juicy fruit from trees"};

    @TempDir
    Path dir;

    private record Flood(int accepted, Map<LabelRule, Integer> refused) {
    }

    private static Flood flood(ServingEngine engine) throws InterruptedException {
        Random rng = new Random(17);
        int accepted = 0;
        Map<LabelRule, Integer> refused = new EnumMap<>(LabelRule.class);
        for (int i = 0; i < 2000; i++) {
            String spam = "spam_" + Long.toString(rng.nextLong() & Long.MAX_VALUE, 36);
            try {
                engine.feedback(MODEL, LabelledExample.of(TEXTS[i % TEXTS.length], spam), new RequestOrigin("key-attacker", "203.0.113.9"));
                accepted++;
            } catch (LabelRefusedException e) {
                refused.merge(e.rule(), 1, Integer::sum);
                assertThat(e.label()).isEqualTo(spam);
                assertThat(e.getMessage()).contains("max-new-labels-per-hour").contains("retry in");
                assertThat(e.retryAfter()).isPositive();
            }
        }
        assertThat(engine.awaitApplied(MODEL, Duration.ofSeconds(60))).isTrue();
        return new Flood(accepted, refused);
    }

    private static ServingEngine start(Path data, Path file, FineTuningSettings settings, GateListener listener) throws Exception {
        return ServingEngine.builder().dataDirectory(data).model(ModelSettings.builder(MODEL).checkpoint(file).devices("cpu").build())
                .fineTuning(settings).gateListener(listener).start();
    }

    @Test
    void withTheDefaultsNewLabelsBeyondTheCapAreRefusedAndTheAnswerStaysRight() throws Exception {
        Path file = FruitModel.train(dir);
        try (ServingEngine engine = start(dir.resolve("data"), file, FineTuningSettings.defaults(), null)) {
            Classification before = engine.classify(MODEL, FruitModel.QUESTION, 3);
            assertThat(before.labels().getFirst().label()).isEqualTo("edible_fruit");
            int labelsBefore = engine.model(MODEL).labelCount();

            Flood f = flood(engine);

            assertThat(f.accepted()).isEqualTo(100);
            assertThat(f.refused()).isEqualTo(Map.of(LabelRule.NEW_LABELS_PER_HOUR, 1900));
            assertThat(engine.guard(MODEL).labels().refusals(LabelRule.NEW_LABELS_PER_HOUR)).isEqualTo(1900);
            assertThat(engine.model(MODEL).labelCount()).isEqualTo(labelsBefore + 100);
            assertThat(engine.audit(MODEL, AuditQuery.latest(10_000))).hasSize(100)
                    .allSatisfy(r -> assertThat(r.keyId()).isEqualTo("key-attacker"));
            Classification after = engine.classify(MODEL, FruitModel.QUESTION, 3);
            System.out.printf("flood, defaults: %d accepted, %d refused; '%s' before %s, after %s%n", f.accepted(), 2000 - f.accepted(),
                    FruitModel.QUESTION, before.labels(), after.labels());
            // The reservoir of a fresh model is empty, so the gate does not judge yet: the cap alone limits the damage.
            assertThat(after.labels().getFirst().label()).isEqualTo("edible_fruit");
        }
    }

    @Test
    void withAHeldOutFileTheGateStopsServingTheFloodsVersions() throws Exception {
        Path file = FruitModel.train(dir);
        Path heldOut = Files.writeString(dir.resolve("held-out.txt"), FruitModel.corpus(20, 99), StandardCharsets.UTF_8);
        GuardSettings guard = GuardSettings.defaults().withGate(GateSettings.defaults().withHeldOutFile(heldOut));
        List<GateEvent> events = new CopyOnWriteArrayList<>();
        try (ServingEngine engine = start(dir.resolve("data"), file, FineTuningSettings.builder().guardrails(guard).build(), events::add)) {
            Classification before = engine.classify(MODEL, FruitModel.QUESTION, 3);

            Flood f = flood(engine);

            assertThat(f.accepted()).isEqualTo(100);
            ValidationGate gate = engine.guard(MODEL).gate();
            assertThat(gate.held()).as(String.valueOf(gate.lastJudgement())).isTrue();
            assertThat(events).extracting(GateEvent::kind).containsExactly(GateEvent.Kind.HELD);
            assertThat(events.getFirst().reason()).contains("held-out loss rose").contains("max-loss-increase");
            List<HeldOutExample> examples = FileHeldOutSet.read(MODEL, heldOut, "__label__").examples();
            HeldOutScore base = HeldOutScorer.score(TextClassifier.load(file), examples);
            HeldOutScore served = HeldOutScorer.score(engine.model(MODEL).servingClassifier(), examples);
            HeldOutScore learned = HeldOutScorer.score(engine.model(MODEL).classifier(), examples);
            Classification after = engine.classify(MODEL, FruitModel.QUESTION, 3);
            System.out.printf("flood, held-out file: base %s, served %s, learned %s; '%s' before %s, after %s%n", base, served, learned,
                    FruitModel.QUESTION, before.labels(), after.labels());
            assertThat(served.loss()).isLessThanOrEqualTo(base.loss() + guard.gate().maxLossIncrease());
            assertThat(learned.loss()).isGreaterThan(base.loss() + guard.gate().maxLossIncrease());
            assertThat(after.version()).isLessThan(engine.model(MODEL).version());
            assertThat(after.labels().getFirst().label()).isEqualTo("edible_fruit");
        }
    }

    /** The other measurement: ten requests carrying 10,000 labels each added 100,000 labels in half a second. */
    @Test
    void requestsAndJobsCarryingThousandsOfNewLabelsAreRefusedWhole() throws Exception {
        Path file = FruitModel.train(dir);
        try (ServingEngine engine = start(dir.resolve("data"), file, FineTuningSettings.defaults(), null)) {
            int labelsBefore = engine.model(MODEL).labelCount();
            List<String> many = new ArrayList<>();
            StringBuilder job = new StringBuilder();
            for (int i = 0; i < 10_000; i++) {
                if (i < dev.kindling.core.text.LabelRules.MAX_LABELS_PER_EXAMPLE) {   // the most one example may carry
                    many.add("bulk_" + i);
                }
                job.append("__label__bulk_").append(i).append(" a sweet red fruit\n");
            }
            for (int i = 0; i < 10; i++) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.feedback(MODEL, new LabelledExample("a sweet red fruit", many)))
                        .isInstanceOfSatisfying(LabelRefusedException.class, e -> assertThat(e.rule()).isEqualTo(LabelRule.NEW_LABELS_PER_HOUR))
                        .hasMessageContaining("more than the cap in one request");
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.startJob(MODEL,
                            new java.io.ByteArrayInputStream(job.toString().getBytes(StandardCharsets.UTF_8))))
                    .isInstanceOfSatisfying(LabelRefusedException.class, e -> assertThat(e.label()).isNull())
                    .hasMessageContaining("the job brings 10000 new labels");
            assertThat(engine.model(MODEL).labelCount()).isEqualTo(labelsBefore);
            assertThat(engine.fineTuning().tuner(MODEL).acknowledged()).as("nothing was logged").isZero();
            assertThat(engine.guard(MODEL).labels().newLabelsLastHour()).isZero();
        }
    }
}
