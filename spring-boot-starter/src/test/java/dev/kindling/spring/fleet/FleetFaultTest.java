package dev.kindling.spring.fleet;

import dev.kindling.core.serving.TestModels;
import dev.kindling.core.text.TrainingArgs;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults, counted: three replicas in child JVMs feed a fleet on a broker child process while one of them runs a job;
 * a follower is killed with SIGKILL mid-stream and restarted, the trainer is killed with SIGKILL mid-job (another
 * replica takes over and finishes the job) and restarted, and the broker is killed and restarted mid-stream. Afterwards
 * every replica holds every record of the examples topic exactly once (every acknowledged example among them), at the
 * same version with the same parameter digest.
 */
class FleetFaultTest {

    private static final int JOB = 20_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void everyAcknowledgedExampleIsAppliedOnceThroughKillsAndABrokerRestart() throws Exception {
        Path model = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
        // Kept after the test (the replicas' logs), for a failure to be read.
        Path log = Files.createDirectories(Path.of("target", "fleet-fault")).resolve("replicas-" + System.currentTimeMillis() + ".log");
        // No checkpoint after the first: the examples topic keeps every record, so the test can count them.
        long checkpointMillis = 3_600_000;
        List<ChildReplica> all = new ArrayList<>();
        try (BrokerProcess broker = new BrokerProcess(dir.resolve("broker"))) {
            broker.start();
            String kafka = broker.bootstrap();
            List<ChildReplica> live = new ArrayList<>();
            live.add(child(all, kafka, "r0", 0, model, log, checkpointMillis));
            await(() -> live.getFirst().trainer(), "r0 trains (it is alone)");
            ChildReplica withJob = child(all, kafka, "r1", JOB, model, log, checkpointMillis);
            live.add(withJob);
            live.add(child(all, kafka, "r2", 0, model, log, checkpointMillis));
            await(() -> acks(all) >= 150 && trainerOf(live) != null, "150 acknowledgements");

            // 1. A follower killed mid-stream, restarted on its data directory.
            ChildReplica follower = live.stream().filter(c -> !c.trainer() && c != withJob).findFirst().orElseThrow();
            follower.kill();
            live.remove(follower);
            ChildReplica restarted = child(all, kafka, follower.id, 0, model, log, checkpointMillis);
            live.add(restarted);
            await(() -> restarted.acks.size() >= 20, "the restarted follower takes feedback");

            // 2. The trainer killed mid-job; another replica takes over and finishes the job.
            long beforeJob = withJob.state().examplesApplied();
            withJob.submitJob();
            await(() -> withJob.jobId() != null && trainerOf(live) != null && trainerOf(live).state().examplesApplied() > beforeJob + 1000,
                    "the job is under way");
            ChildReplica trainer = trainerOf(live);
            ChildReplica.State atKill = trainer.state();
            trainer.kill();
            live.remove(trainer);
            assertTrue(atKill.examplesApplied() < beforeJob + JOB, "killed mid-job: it had applied " + atKill.examplesApplied() + ", "
                    + beforeJob + " before the job");
            await(() -> trainerOf(live) != null, "another replica trains");
            ChildReplica trainerBack = child(all, kafka, trainer.id, 0, model, log, checkpointMillis);
            live.add(trainerBack);

            // 3. The broker killed and restarted mid-stream.
            await(() -> trainerBack.acks.size() >= 20, "the restarted trainer takes feedback");
            broker.kill();
            int before = acks(all);
            Thread.sleep(1500);
            broker.start();
            await(() -> acks(all) >= before + 150, "feedback acknowledged again after the broker restart");

            for (ChildReplica c : live) {
                c.stopFeeding();
            }
            long records = countExamples(kafka);
            await(() -> live.stream().allMatch(c -> c.state() != null && c.state().examplesApplied() == records),
                    "every replica holds the " + records + " records of the examples topic");
            await(() -> live.stream().map(c -> c.state().digest() + "@" + c.state().version()).distinct().count() == 1,
                    "one version and digest on every replica");

            Set<Long> acked = new HashSet<>();
            all.forEach(c -> acked.addAll(c.acks));
            int failed = all.stream().mapToInt(c -> c.fails.get()).sum();
            long applied = live.getFirst().state().appliedSequence();
            assertTrue(acked.stream().allMatch(s -> s <= applied), "every acknowledged sequence is applied");
            assertTrue(records >= acked.size() + JOB, "the topic holds every acknowledged example and the job: " + records + " < "
                    + acked.size() + " + " + JOB);
            // Only examples whose acknowledgement was lost to a kill or a 503 may be in the topic unacknowledged.
            assertTrue(records <= acked.size() + JOB + failed + 3, records + " records for " + acked.size() + " acks, " + failed + " 503s");
            System.out.println("FLEET FAULTS: " + acked.size() + " acknowledged, " + failed + " refused with 503, " + records
                    + " records (job " + JOB + "), applied once on each of 3 replicas at version " + live.getFirst().state().version()
                    + ", digest " + live.getFirst().state().digest());
        } finally {
            for (ChildReplica c : all) {
                c.destroy();
            }
        }
    }

    private ChildReplica child(List<ChildReplica> all, String kafka, String id, int job, Path model, Path log, long checkpointMillis)
            throws java.io.IOException {
        ChildReplica c = new ChildReplica(kafka, id, dir.resolve("data-" + id), model, job, checkpointMillis, log);
        all.add(c);
        return c;
    }

    private static ChildReplica trainerOf(List<ChildReplica> live) {
        return live.stream().filter(ChildReplica::trainer).findFirst().orElse(null);
    }

    private static int acks(List<ChildReplica> all) {
        return all.stream().mapToInt(c -> c.acks.size()).sum();
    }

    /** The data records of the examples topic, read committed from the start. */
    private static long countExamples(String kafka) {
        KafkaClients clients = new KafkaClients(FleetTestSupport.settings(kafka, "counter", Path.of("."), Duration.ofHours(1)));
        try (KafkaConsumer<String, byte[]> c = clients.consumer("counter", null, 5000)) {
            var tp = new FleetTopics("kindling." + FleetTestSupport.MODEL).examplesPartition();
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long n = 0;
            while (c.position(tp) < end) {
                n += c.poll(Duration.ofMillis(500)).count();
            }
            return n;
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "not within 120 s: " + what);
            Thread.sleep(50);
        }
    }
}
