package dev.kindling.spring.fleet;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.serving.log.UpdateLogUnavailableException;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.spring.device.DevicePoolAutoConfiguration;
import dev.kindling.spring.embedding.EmbeddingCacheAutoConfiguration;
import dev.kindling.spring.finetune.FineTuningAutoConfiguration;
import dev.kindling.spring.model.ModelsAutoConfiguration;
import dev.kindling.spring.observability.ObservabilityAutoConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fleet through Spring: {@code kindling.fine-tuning.log=kafka} makes the engine a replica (health says its role,
 * version and digest); a poison record in the examples topic is set aside, not a crash loop; with the cluster
 * unreachable the context still starts, classification serves, feedback is refused with a retry-later error (never a
 * lost acknowledgement) and health says why.
 */
class FleetAutoConfigurationTest {

    static EmbeddedKafkaKraftBroker broker;

    @TempDir
    static Path models;

    @TempDir
    Path data;

    static Path hsmFile;

    @BeforeAll
    static void start() {
        hsmFile = TestModels.trainedFile(models, TrainingArgs.Loss.HSM);
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(FleetTestSupport.ONE_BROKER);
        broker.afterPropertiesSet();
    }

    @AfterAll
    static void stop() {
        broker.destroy();
    }

    private ApplicationContextRunner runner(String bootstrap) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DevicePoolAutoConfiguration.class, EmbeddingCacheAutoConfiguration.class,
                        KafkaFleetAutoConfiguration.class, ModelsAutoConfiguration.class, FineTuningAutoConfiguration.class,
                        ObservabilityAutoConfiguration.class, FleetHealthAutoConfiguration.class))
                .withPropertyValues("kindling.fine-tuning.directory=" + data, "kindling.models.topics.checkpoint=" + hsmFile,
                        "kindling.fine-tuning.log=kafka", "spring.kafka.bootstrap-servers=" + bootstrap, "kindling.fleet.replica-id=spring1",
                        "kindling.fleet.topic-prefix=spring.", "kindling.fleet.ack-timeout=2s", "kindling.fleet.catch-up-timeout=3s",
                        "kindling.fleet.session-timeout=2s");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aReplicaLearnsThroughTheClusterAndSetsAPoisonRecordAside() {
        runner(broker.getBrokersAsString()).run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(FleetMembership.class).hasSingleBean(FleetHealthIndicator.class);
            ServingEngine engine = ctx.getBean(ServingEngine.class);
            long first = engine.feedback("topics", LabelledExample.of("powder slope lift", "skiing")).sequence();
            // A record no release can read, written straight into the topic.
            try (KafkaProducer<String, byte[]> p = new KafkaClients(FleetTestSupport.settings(broker.getBrokersAsString(), "poisoner", data,
                    Duration.ofHours(1))).durableProducer("poisoner")) {
                p.send(new ProducerRecord<>("spring.topics.examples", 0, null, new byte[]{42, 1, 2})).get();
            }
            ServingEngine.Acknowledgement after = engine.feedback("topics", LabelledExample.of("powder snow piste", "skiing"));
            assertThat(after.sequence()).isEqualTo(first + 2);
            assertThat(after.applied().get(60, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(first + 2);
            assertThat(engine.model("topics").examplesApplied()).isEqualTo(2);
            assertThat(ctx.getBean(FineTuningService.class).tuner("topics").quarantine().held()).isEqualTo(1);
            Health h = ctx.getBean(FleetHealthIndicator.class).health();
            assertThat(h.getStatus()).isEqualTo(Status.UP);
            @SuppressWarnings("unchecked")
            Map<String, Object> d = (Map<String, Object>) h.getDetails().get("topics");
            assertThat(d).containsEntry("role", "trainer").containsEntry("replica", "spring1")
                    .containsEntry("digest", engine.model("topics").digest().digest().combined());
        });
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anUnreachableClusterRefusesFeedbackButClassificationServes() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        runner("localhost:" + closed).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            ServingEngine engine = ctx.getBean(ServingEngine.class);
            assertThat(engine.classify("topics", "oven flour butter", 1).labels().getFirst().label()).isEqualTo("cooking");
            assertThatThrownBy(() -> engine.feedback("topics", LabelledExample.of("powder slope lift", "skiing")))
                    .isInstanceOf(UpdateLogUnavailableException.class).hasMessageContaining("nothing was acknowledged")
                    .satisfies(e -> assertThat(((UpdateLogUnavailableException) e).retryAfter()).isPositive());
            Health h = ctx.getBean(FleetHealthIndicator.class).health();
            assertThat(h.getStatus()).isEqualTo(Status.DOWN);
            assertThat(h.getDetails().get("topics").toString()).contains("localhost:" + closed).contains("classification serves version");
            assertThat(engine.model("topics").examplesApplied()).isZero();
        });
        assertThat(Files.exists(data.resolve("topics"))).isTrue();
    }
}
