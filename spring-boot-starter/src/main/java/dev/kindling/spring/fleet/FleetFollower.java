package dev.kindling.spring.fleet;

import dev.kindling.core.serving.log.FleetCheckpoint;
import dev.kindling.core.serving.log.FleetReplica;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A replica's follower thread: reads the state topic (checkpoint descriptions, job records) and the updates topic, in
 * order and read-committed, and applies each update to the model. At start, and whenever the model diverged, it loads
 * the newest fleet checkpoint and goes on from the update offset it names. Every few seconds it asks the cluster how
 * far behind it is, which is also how it knows the cluster answers.
 */
final class FleetFollower implements Runnable {

    private static final System.Logger log = System.getLogger(FleetFollower.class.getName());
    private static final Duration LOOK_EVERY = Duration.ofSeconds(2);

    private final FleetReplica replica;
    private final FleetTopics topics;
    private final KafkaClients clients;
    private final KafkaFleetSettings settings;
    private final FleetView view;
    private final Path workDir;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    /** The checkpoint last restored, and the update offset that diverged after it (a newer checkpoint is needed to pass it). */
    private FleetCheckpoint restored;
    private long stuckAt = -1;

    FleetFollower(FleetReplica replica, FleetTopics topics, KafkaClients clients, KafkaFleetSettings settings, FleetView view, Path workDir) {
        this.replica = replica;
        this.topics = topics;
        this.clients = clients;
        this.settings = settings;
        this.view = view;
        this.workDir = workDir;
    }

    void stop() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    public void run() {
        while (running) {
            try (KafkaConsumer<String, byte[]> c = clients.consumer(view.replicaId + "-" + topics.base() + "-follower", null, 500)) {
                consumer = c;
                follow(c);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                view.unreachable("the fleet's Kafka cluster (" + settings.bootstrapServers() + ") fails: " + e);
                log.log(System.Logger.Level.WARNING, "model " + replica.model() + ": following the fleet failed, retrying: " + e);
                pause(Duration.ofSeconds(1));
            } catch (Exception e) {
                view.problem = "cannot follow the fleet: " + e;
                log.log(System.Logger.Level.ERROR, "model " + replica.model() + ": following the fleet failed, retrying", e);
                pause(Duration.ofSeconds(2));
            }
        }
    }

    private void follow(KafkaConsumer<String, byte[]> c) throws Exception {
        TopicPartition state = topics.statePartition(), updates = topics.updatesPartition();
        // The topics with the fleet's retention, before any client could have a broker create them with its defaults.
        try (org.apache.kafka.clients.admin.Admin admin = clients.admin(view.replicaId + "-" + topics.base() + "-setup")) {
            FleetTopicSetup.ensure(admin, topics, settings);
            view.topicsReady = true;
        }
        // 1. The state topic up to its end: the newest checkpoint and every job record.
        c.assign(List.of(state));
        c.seekToBeginning(List.of(state));
        long stateEnd = endOffset(c, state);
        while (running && c.position(state) < stateEnd) {
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                onState(r);
            }
        }
        // 2. The newest checkpoint, unless the model already holds it; then the updates after it.
        FleetCheckpoint cp = view.newestCheckpoint;
        long from = view.nextUpdateOffset;
        if (cp != null && (replica.diverged() || cp.snapshot().appliedSequence() > replica.appliedSequence() || restored == null && from == 0)) {
            restore(c, cp);
            from = cp.updatesOffset();
        }
        c.assign(List.of(state, updates));
        long first = c.beginningOffsets(List.of(updates)).get(updates);
        if (from < first) {
            // The updates after the model's checkpoint were trimmed (a newer checkpoint holds them): take the newest.
            FleetCheckpoint newest = view.newestCheckpoint;
            if (newest == null || newest.updatesOffset() < first || newest.equals(restored)) {
                throw new IllegalStateException("the updates after offset " + from + " are gone (the topic starts at " + first
                        + ") and no newer fleet checkpoint holds them yet");
            }
            restore(c, newest);
            c.assign(List.of(state, updates));
            from = newest.updatesOffset();
        }
        c.seek(updates, from);
        view.nextUpdateOffset = from;
        long updatesEnd = endOffset(c, updates);
        view.reachable();
        long lookedAt = System.nanoTime();
        while (running) {
            if (!view.caughtUp.isDone() && c.position(updates) >= updatesEnd) {
                view.caughtUp.complete(null);
            }
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                if (r.topic().equals(topics.state())) {
                    onState(r);
                    continue;
                }
                FleetReplica.Outcome o = replica.apply(r.value());
                if (o == FleetReplica.Outcome.DIVERGED) {
                    divergedAt(r.offset());
                    return;   // reconnects: reloads the newest checkpoint
                }
                view.nextUpdateOffset = r.offset() + 1;
            }
            // Past the transactions' control records too: the position is what a trainer compares with the end.
            view.nextUpdateOffset = c.position(updates);
            if (System.nanoTime() - lookedAt > LOOK_EVERY.toNanos()) {
                lookedAt = System.nanoTime();
                long end = endOffset(c, updates);
                view.updatesBehind = Math.max(0, end - c.position(updates));
                view.reachable();
            }
            if (replica.diverged()) {
                divergedAt(c.position(updates));   // the trainer's own round was not published
                return;
            }
        }
    }

    private void onState(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        try {
            if (r.key().equals(CheckpointTransfer.STATE_KEY)) {
                view.checkpointSeen(FleetCheckpoint.decode(r.value()));
            } else if (r.key().startsWith("job:")) {
                if (r.value() == null) {
                    view.jobs.remove(r.key().substring(4));
                } else {
                    view.jobs.put(r.key().substring(4), r.value());
                }
            }
        } catch (IllegalArgumentException e) {
            // Set aside, not fatal: a newer record under the same key replaces it.
            log.log(System.Logger.Level.ERROR, "model " + replica.model() + ": state record " + r.offset() + " ('" + r.key() + "') cannot be read and is"
                    + " ignored: " + e.getMessage());
        }
    }

    /** A divergence at update {@code offset}: reload; if the newest checkpoint cannot pass it, wait for a newer one. */
    private void divergedAt(long offset) {
        view.resyncs.incrementAndGet();
        FleetCheckpoint cp = view.newestCheckpoint;
        if (cp == null || cp.equals(restored) && cp.updatesOffset() <= offset && stuckAt == offset) {
            view.problem = "diverged at update " + offset + " (" + replica.divergence() + "); waiting for a fleet checkpoint past it";
            log.log(System.Logger.Level.ERROR, "model " + replica.model() + ": " + view.problem);
            pause(Duration.ofSeconds(2));
        }
        stuckAt = offset;
    }

    private void restore(KafkaConsumer<String, byte[]> c, FleetCheckpoint cp) throws Exception {
        Files.createDirectories(workDir);
        Path file = workDir.resolve("checkpoint-" + cp.snapshot().version() + "-" + cp.snapshot().appliedSequence() + ".bin");
        long t0 = System.nanoTime();
        CheckpointTransfer.fetch(c, topics, cp, file, Duration.ofMinutes(5));
        replica.restore(file, cp);
        restored = cp;
        view.nextUpdateOffset = cp.updatesOffset();
        log.log(System.Logger.Level.INFO, "model " + replica.model() + ": loaded fleet checkpoint " + cp.location() + " (version " + cp.snapshot().version()
                + ", sequence " + cp.snapshot().appliedSequence() + ", " + cp.fileBytes() + " bytes) in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        // Older downloads are no longer in use (a mapped table keeps its own file open until the model lets it go).
        try (var files = Files.list(workDir)) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().startsWith("checkpoint-") && !f.equals(file)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private long endOffset(KafkaConsumer<String, byte[]> c, TopicPartition tp) {
        Map<TopicPartition, Long> end = c.endOffsets(List.of(tp), Duration.ofMillis(Math.max(2000, settings.ackTimeout().toMillis())));
        return end.get(tp);
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
