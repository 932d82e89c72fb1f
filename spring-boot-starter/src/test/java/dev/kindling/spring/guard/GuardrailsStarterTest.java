package dev.kindling.spring.guard;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.finetune.FineTuningSettings;
import dev.kindling.core.serving.guard.GateEvent;
import dev.kindling.core.serving.guard.LabelRefusedException;
import dev.kindling.core.serving.guard.LabelRule;
import dev.kindling.core.serving.guard.ModelGuard;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.spring.StarterFixtures;
import dev.kindling.spring.classifier.Classifiers;
import dev.kindling.spring.config.InvalidKindlingPropertyException;
import dev.kindling.spring.observability.KindlingLearningHealthIndicator;
import dev.kindling.spring.observability.KindlingMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Guardrails through Spring: per-model properties reach the engine, a typo in a nested key names the group's keys, the
 * label policy refuses in the caller's thread, and a gate that stops promotion is a WARNING of learning health (serving
 * stays UP), an application event and a meter.
 */
class GuardrailsStarterTest {

    @TempDir
    Path data;

    /** Collects the engine's gate events, as an application would with @EventListener. */
    static class GateEvents {
        final List<GateEvent> received = new CopyOnWriteArrayList<>();

        @EventListener
        void on(GateEvent e) {
            received.add(e);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Listening {
        @Bean
        GateEvents gateEvents() {
            return new GateEvents();
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    private ApplicationContextRunner runner(String... properties) {
        return StarterFixtures.runner(data).withUserConfiguration(Listening.class)
                .withPropertyValues("kindling.models.topics.checkpoint=" + StarterFixtures.model(TrainingArgs.Loss.HSM),
                        "kindling.models.topics.devices=cpu")
                .withPropertyValues(properties);
    }

    @Test
    void aModelsTuningAndGuardrailsPropertiesReachTheEngineAndTheRestInherits() throws Exception {
        Path heldOut = Files.writeString(data.resolveSibling(data.getFileName() + "-held-out.txt"), TestModels.corpus(4, 9),
                StandardCharsets.UTF_8);
        runner("kindling.fine-tuning.batch-size=16",
                "kindling.models.topics.tuning.learning-rate=0.2", "kindling.models.topics.tuning.max-batch-delay=5ms",
                "kindling.models.topics.guardrails.labels.allowed=weather,astronomy",
                "kindling.models.topics.guardrails.labels.max-new-per-hour=-1",
                "kindling.models.topics.guardrails.gate.held-out=" + heldOut,
                "kindling.models.topics.guardrails.gate.max-precision-drop=0.1",
                "kindling.models.topics.guardrails.versions-kept=3", "kindling.models.topics.guardrails.audit=false").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            ServingEngine engine = ctx.getBean(ServingEngine.class);
            FineTuningSettings s = engine.fineTuning().tuner("topics").settings();
            assertThat(s.learningRate()).isEqualTo(0.2f);
            assertThat(s.batchSize()).as("inherited").isEqualTo(16);
            assertThat(s.maxBatchDelay()).isEqualTo(Duration.ofMillis(5));
            ModelGuard g = engine.guard("topics");
            assertThat(g.labels().settings().allowed()).containsExactlyInAnyOrder("weather", "astronomy");
            assertThat(g.labels().settings().maxNewLabelsPerHour()).isEqualTo(-1);
            assertThat(g.labels().settings().maxNewLabelsTotal()).as("default").isEqualTo(10_000);
            assertThat(g.gate().heldOut().describe()).contains(heldOut.toString()).contains("20 examples");
            assertThat(g.gate().settings().maxPrecisionDrop()).isEqualTo(0.1);
            assertThat(g.settings().versionsKept()).isEqualTo(3);
            assertThat(g.audited()).isFalse();
        });
    }

    @Test
    void aTypoInANestedKeyNamesTheGroupsKeys() {
        runner("kindling.models.topics.guardrails.labels.max-new-per-hur=5").run(ctx -> {
            assertThat(ctx).hasFailed();
            InvalidKindlingPropertyException e = (InvalidKindlingPropertyException) ctx.getStartupFailure();
            assertThat(e.property()).isEqualTo("kindling.models.topics.guardrails.labels.max-new-per-hur");
            assertThat(e.getMessage()).contains("kindling.models.*.guardrails.labels has no key 'max-new-per-hur'");
            assertThat(e.action()).contains("Did you mean kindling.models.topics.guardrails.labels.max-new-per-hour?")
                    .contains("max-examples-per-label-per-minute");
        });
    }

    @Test
    void theLabelPolicyRefusesInTheCallersThreadAndCountsByRule() {
        runner("kindling.models.topics.guardrails.labels.allowed=weather").run(ctx -> {
            var topics = ctx.getBean(Classifiers.class).get("topics");
            assertThatThrownBy(() -> topics.feedback("roulette poker chips", "casino"))
                    .isInstanceOfSatisfying(LabelRefusedException.class, e -> assertThat(e.rule()).isEqualTo(LabelRule.ALLOW_LIST));
            topics.feedback("rain snow wind", "weather").join();   // listed, so allowed
            ModelGuard g = ctx.getBean(ServingEngine.class).guard("topics");
            assertThat(g.labels().refusals(LabelRule.ALLOW_LIST)).isEqualTo(1);
            MeterRegistry meters = ctx.getBean(MeterRegistry.class);
            ctx.getBean(KindlingMetrics.class).bindTo(meters);
            ctx.getBean(KindlingMetrics.class).bindFineTuning();
            assertThat(meters.find("kindling.guardrails.labels.refused").tag("rule", "allow-list").functionCounter().count()).isEqualTo(1);
            assertThat(meters.find("kindling.guardrails.labels.refused").tag("rule", "new-labels-per-hour").functionCounter().count()).isZero();
        });
    }

    @Test
    void aGateThatStopsPromotionIsALearningWarningAnEventAndAMeterWhileServingStaysUp() throws Exception {
        Path heldOut = Files.writeString(data.resolveSibling(data.getFileName() + "-held-out.txt"), TestModels.corpus(10, 5),
                StandardCharsets.UTF_8);
        runner("kindling.models.topics.guardrails.gate.held-out=" + heldOut, "kindling.models.topics.guardrails.gate.min-held-out=10",
                "kindling.models.topics.guardrails.labels.max-examples-per-label-per-minute=-1",
                "kindling.models.topics.tuning.max-batch-delay=5ms").run(ctx -> {
            ServingEngine engine = ctx.getBean(ServingEngine.class);
            HealthIndicator learning = ctx.getBean("kindlingLearningHealthIndicator", HealthIndicator.class);
            HealthIndicator serving = ctx.getBean("kindlingHealthIndicator", HealthIndicator.class);
            assertThat(learning.health().getStatus()).isEqualTo(Status.UP);

            // Sport texts taught as cooking, on purpose.
            Random rng = new Random(3);
            String[] words = TestModels.TOPICS[0][1].split(" ");
            for (int i = 0; i < 300; i++) {
                StringBuilder text = new StringBuilder();
                for (int w = 0; w < 5; w++) {
                    text.append(words[rng.nextInt(words.length)]).append(' ');
                }
                engine.feedback("topics", LabelledExample.of(text.toString().trim(), "cooking"));
            }
            assertThat(engine.awaitApplied("topics", Duration.ofSeconds(60))).isTrue();

            assertThat(engine.guard("topics").gate().held()).isTrue();
            assertThat(learning.health().getStatus()).isEqualTo(KindlingLearningHealthIndicator.WARNING);
            @SuppressWarnings("unchecked")
            var gate = (java.util.Map<String, Object>) ((java.util.Map<String, java.util.Map<String, Object>>) learning.health().getDetails()
                    .get("models")).get("topics").get("gate");
            assertThat(gate).containsEntry("held", true).containsKey("heldSince");
            assertThat((String) gate.get("lastJudgement")).contains("held-out precision at 1 fell");
            assertThat(serving.health().getStatus()).as("serving goes on").isEqualTo(Status.UP);
            assertThat(ctx.getBean(GateEvents.class).received).extracting(GateEvent::kind).containsExactly(GateEvent.Kind.HELD);
            MeterRegistry meters = ctx.getBean(MeterRegistry.class);
            ctx.getBean(KindlingMetrics.class).bindTo(meters);
            ctx.getBean(KindlingMetrics.class).bindFineTuning();
            assertThat(meters.find("kindling.guardrails.gate.held").tag("model", "topics").gauge().value()).isEqualTo(1);
            assertThat(meters.find("kindling.guardrails.held-out.precision").tag("copy", "candidate").gauge().value())
                    .isLessThan(meters.find("kindling.guardrails.held-out.precision").tag("copy", "served").gauge().value());
            assertThat(meters.find("kindling.model.served.version").gauge().value())
                    .isLessThan(meters.find("kindling.model.version").gauge().value());
        });
    }
}
