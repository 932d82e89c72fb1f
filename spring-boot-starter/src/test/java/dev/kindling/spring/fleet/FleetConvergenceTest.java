package dev.kindling.spring.fleet;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.finetune.FineTuneJob;
import dev.kindling.core.serving.log.FleetStatus;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.text.TrainingArgs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three engines in one JVM, replicas of one fleet on an embedded KRaft broker: feedback sent to any of them is learned
 * once (by the trainer the consumer group chose) and every replica ends at the same version with the same parameter
 * digest, predicting a label only one of them was taught; a job submitted to one is queried and cancelled on others;
 * a fourth replica with an empty data directory starts from the fleet checkpoint and serves the same model.
 */
class FleetConvergenceTest {

    static EmbeddedKafkaKraftBroker broker;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(FleetTestSupport.ONE_BROKER);
        broker.afterPropertiesSet();
    }

    @AfterAll
    static void stopBroker() {
        broker.destroy();
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void threeReplicasLearnAsOneModel() throws Exception {
        Path model = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
        String kafka = broker.getBrokersAsString();
        List<ServingEngine> replicas = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                replicas.add(FleetTestSupport.replica(kafka, "r" + i, dir.resolve("data" + i), model));
            }
            long acknowledged = 0;
            for (int i = 0; i < 90; i++) {
                LabelledExample e = i % 3 == 0 ? LabelledExample.of("powder slope lift chair " + i, "skiing")
                        : LabelledExample.of("oven flour butter " + i, "cooking");
                ServingEngine.Acknowledgement ack = replicas.get(i % 3).feedback(FleetTestSupport.MODEL, e);
                acknowledged = Math.max(acknowledged, ack.sequence());
            }
            assertEquals(90, acknowledged, "fleet sequences are 1..90");
            awaitAll(replicas, acknowledged);
            assertConverged(replicas, 90);
            for (ServingEngine r : replicas) {
                assertEquals("skiing", r.classify(FleetTestSupport.MODEL, "powder slope lift chair", 1).labels().get(0).label());
            }
            long trainers = replicas.stream().filter(r -> status(r).trainer()).count();
            assertEquals(1, trainers, "one trainer for the model");

            // A job submitted to replica 0 runs once for the fleet and is visible on replica 2.
            FineTuneJob job = replicas.get(0).startJob(FleetTestSupport.MODEL, lines(40, "skiing", "powder snow piste"));
            awaitJob(replicas.get(2), job.id(), FineTuneJob.State.SUCCEEDED);
            assertEquals(40, replicas.get(2).job(job.id()).status().appliedExamples());
            awaitAll(replicas, replicas.get(2).model(FleetTestSupport.MODEL).appliedSequence());
            assertConverged(replicas, 130);

            // A large job, cancelled from replica 1 as soon as it sees it: replica 0 sees it cancelled, the rest is passed over.
            FineTuneJob big = replicas.get(0).startJob(FleetTestSupport.MODEL, lines(20_000, "cooking", "garlic onion simmer"));
            assertEquals(FineTuneJob.State.QUEUED, big.state());
            long seen = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (stateOf(replicas.get(1), big.id()) == null) {
                assertTrue(System.nanoTime() < seen, "replica 1 sees the job");
                Thread.sleep(5);
            }
            assertTrue(replicas.get(1).job(big.id()).cancel(), "cancelled from another replica");
            awaitJob(replicas.get(0), big.id(), FineTuneJob.State.CANCELLED);
            // Offsets 0-89 feedback, 90-129 the first job, 130 its commit marker, 131-20130 this job: its last is sequence 20131.
            long last = 20_131;
            awaitAll(replicas, last);
            ServedModel m0 = replicas.get(0).model(FleetTestSupport.MODEL);
            long trained = m0.jobProgress(big.id()) + 1;
            assertEquals(130 + trained, m0.examplesApplied(), "what the model holds of the job is a prefix, the rest passed over");
            assertTrue(trained < 20_000, "the cancel passed over the job's remaining examples: " + trained);
            assertConverged(replicas, m0.examplesApplied());

            // A replica with an empty data directory starts from the fleet checkpoint and serves the current model.
            replicas.add(FleetTestSupport.replica(kafka, "fresh", dir.resolve("fresh"), model));
            awaitAll(replicas, last);
            assertConverged(replicas, m0.examplesApplied());
            assertEquals("skiing", replicas.get(3).classify(FleetTestSupport.MODEL, "powder slope lift chair", 1).labels().get(0).label());
        } finally {
            for (ServingEngine r : replicas) {
                r.close();
            }
        }
    }

    private static ByteArrayInputStream lines(int n, String label, String words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("__label__").append(label).append(' ').append(words).append(' ').append(i).append('\n');
        }
        return new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    static FleetStatus status(ServingEngine r) {
        return r.fineTuning().tuner(FleetTestSupport.MODEL).fleet().status();
    }

    static void awaitAll(List<ServingEngine> replicas, long sequence) throws InterruptedException {
        for (ServingEngine r : replicas) {
            assertTrue(r.model(FleetTestSupport.MODEL).applied().await(sequence, Duration.ofSeconds(60)),
                    "replica " + status(r).replicaId() + " reached sequence " + sequence + "; it is at " + r.model(FleetTestSupport.MODEL).appliedSequence()
                            + " (" + status(r) + ")");
        }
    }

    /** Same version and digest everywhere, each holding {@code examples} examples. */
    static void assertConverged(List<ServingEngine> replicas, long examples) {
        ServedModel first = replicas.getFirst().model(FleetTestSupport.MODEL);
        for (ServingEngine r : replicas) {
            ServedModel m = r.model(FleetTestSupport.MODEL);
            assertEquals(examples, m.examplesApplied(), "examples applied exactly once on " + status(r).replicaId());
            assertEquals(first.version(), m.version(), "version of " + status(r).replicaId());
            assertEquals(first.digest().digest(), m.digest().digest(), "digest of " + status(r).replicaId());
            assertFalse(status(r).problem() != null && status(r).problem().startsWith("diverged"), status(r).toString());
        }
    }

    /** The job's state as {@code r} sees it; null until its follower read the job's record (milliseconds after the 202). */
    private static FineTuneJob.State stateOf(ServingEngine r, String id) {
        try {
            return r.job(id).state();
        } catch (dev.kindling.core.serving.finetune.UnknownJobException e) {
            return null;
        }
    }

    private static void awaitJob(ServingEngine r, String id, FineTuneJob.State state) throws InterruptedException, IOException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (stateOf(r, id) != state) {
            assertTrue(System.nanoTime() < end, "job " + id + " is " + stateOf(r, id) + ", expected " + state);
            r.model(FleetTestSupport.MODEL).applied().await(r.model(FleetTestSupport.MODEL).appliedSequence() + 1, Duration.ofMillis(200));
        }
    }
}
