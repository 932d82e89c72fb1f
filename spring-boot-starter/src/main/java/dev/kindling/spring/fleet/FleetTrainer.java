package dev.kindling.spring.fleet;

import dev.kindling.core.serving.log.FleetCheckpoint;
import dev.kindling.core.serving.log.FleetReplica;
import dev.kindling.core.serving.log.LoggedRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A replica's bid to train: a member of the model's trainer group on the examples topic. The group's assignment of the
 * topic's one partition chooses the trainer; the others wait in the group and take over when it leaves or stops
 * answering (its session times out). The trainer consumes examples read-committed and, in one Kafka transaction,
 * publishes the updates its rounds produced and commits the consumed offsets with its group generation (KIP-447), so a
 * round is published exactly once: a trainer that lost the partition is fenced and its transaction aborted, and its
 * successor starts from the committed offsets once its model holds every published update. A failed transaction makes
 * the trainer's model diverged (it trained what was not published): the follower reloads it and this loop rejoins.
 * When idle the trainer states its model's digest, and every checkpoint interval it publishes a fleet checkpoint and
 * trims what the two newest checkpoints hold from the topics.
 */
final class FleetTrainer implements Runnable {

    private static final System.Logger log = System.getLogger(FleetTrainer.class.getName());

    private final FleetReplica replica;
    private final FleetTopics topics;
    private final KafkaClients clients;
    private final KafkaFleetSettings settings;
    private final FleetView view;
    private final Path workDir;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private long checkpointedVersion = -1, checkpointedSequence = -1;
    private long lastCheckpointNanos = System.nanoTime();
    /** Set on each assignment: the updates the model must hold before it trains (what earlier trainers published). */
    private volatile boolean assigned;
    private long mustReach = -1;

    FleetTrainer(FleetReplica replica, FleetTopics topics, KafkaClients clients, KafkaFleetSettings settings, FleetView view, Path workDir) {
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
            try {
                view.caughtUp.get();   // bid only with a model that holds the fleet's published updates
            } catch (Exception e) {
                return;
            }
            String txId = "kindling-" + topics.base() + "-trainer-" + view.replicaId;
            try (KafkaConsumer<String, byte[]> c = clients.consumer(view.replicaId + "-" + topics.base() + "-trainer", topics.base() + ".trainers",
                    settings.batchSize() * 4);
                 KafkaProducer<String, byte[]> p = clients.transactionalProducer(txId);
                 Admin admin = clients.admin(view.replicaId + "-" + topics.base() + "-trainer-admin")) {
                consumer = c;
                p.initTransactions();
                c.subscribe(List.of(topics.examples()), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        view.trainer = false;
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        view.trainer = !partitions.isEmpty();
                        assigned = view.trainer;
                        if (view.trainer) {
                            log.log(System.Logger.Level.INFO, "model " + replica.model() + ": replica " + view.replicaId + " trains for the fleet");
                        }
                    }
                });
                train(c, p, admin);
            } catch (WakeupException e) {
                return;
            } catch (Exception e) {
                view.trainer = false;
                if (!running) {
                    return;
                }
                log.log(System.Logger.Level.WARNING, "model " + replica.model() + ": the trainer loop stopped (" + e + "); rejoining");
                pause(Duration.ofSeconds(1));
            }
        }
    }

    private void train(KafkaConsumer<String, byte[]> c, KafkaProducer<String, byte[]> p, Admin admin) throws Exception {
        TopicPartition examples = topics.examplesPartition();
        boolean idle = false;
        while (running) {
            ConsumerRecords<String, byte[]> polled = c.poll(settings.pollTimeout());
            if (!c.assignment().contains(examples)) {
                continue;
            }
            if (assigned) {
                // The committed position is known now (its fetch waits for a predecessor's pending transaction), and the
                // updates and the offsets were committed together: the updates' end now is all the model must hold.
                assigned = false;
                c.position(examples);
                mustReach = c.endOffsets(List.of(topics.updatesPartition())).get(topics.updatesPartition());
            }
            if (view.nextUpdateOffset < mustReach || replica.diverged()) {
                // Not holding every published update yet (just took over) or being reloaded: try these records again.
                if (!polled.isEmpty()) {
                    c.seek(examples, polled.records(examples).getFirst().offset());
                }
                pause(Duration.ofMillis(20));
                continue;
            }
            if (view.newestCheckpoint == null) {
                checkpoint(p, admin);   // the fleet's first checkpoint: the model every replica starts from
            }
            if (polled.isEmpty()) {
                if (!idle) {
                    stateDigest(p);
                    idle = true;
                }
                if (System.nanoTime() - lastCheckpointNanos > settings.checkpointInterval().toNanos()) {
                    checkpoint(p, admin);
                }
                continue;
            }
            idle = false;
            List<ConsumerRecord<String, byte[]>> rs = polled.records(examples);
            List<LoggedRecord> records = new ArrayList<>(rs.size());
            for (ConsumerRecord<String, byte[]> r : rs) {
                records.add(new LoggedRecord(r.offset() + 1, r.value()));
            }
            p.beginTransaction();
            try {
                for (byte[] u : replica.train(records)) {
                    p.send(new ProducerRecord<>(topics.updates(), 0, null, u));
                }
                p.sendOffsetsToTransaction(Map.of(examples, new OffsetAndMetadata(rs.getLast().offset() + 1)), c.groupMetadata());
                p.commitTransaction();
            } catch (RuntimeException e) {
                replica.unpublished(e);
                try {
                    p.abortTransaction();
                } catch (RuntimeException abort) {
                    e.addSuppressed(abort);
                }
                throw e;   // a new consumer and producer: the committed offsets and the published updates decide
            }
            if (System.nanoTime() - lastCheckpointNanos > settings.checkpointInterval().toNanos()) {
                checkpoint(p, admin);
            }
        }
    }

    /** Publishes the digest of the model's version once the stream paused, for every replica to compare. */
    private void stateDigest(KafkaProducer<String, byte[]> p) {
        byte[] digest = replica.digestUpdate();
        if (digest == null) {
            return;
        }
        p.beginTransaction();
        try {
            p.send(new ProducerRecord<>(topics.updates(), 0, null, digest));
            p.commitTransaction();
        } catch (RuntimeException e) {
            p.abortTransaction();
            throw e;
        }
    }

    /**
     * Publishes a fleet checkpoint when the model changed since the last one, then deletes from the topics what the
     * previous checkpoint holds (the newest and the previous stay loadable).
     */
    private void checkpoint(KafkaProducer<String, byte[]> p, Admin admin) throws Exception {
        lastCheckpointNanos = System.nanoTime();
        if (view.newestCheckpoint != null && replica.appliedSequence() == checkpointedSequence) {
            return;   // nothing new since the last one
        }
        // Every update before this offset is in the model: one who loads the checkpoint goes on from there.
        long updatesOffset = view.nextUpdateOffset;
        Files.createDirectories(workDir);
        Path file = workDir.resolve("outgoing.bin");
        // Taken before publishing: the follower may read the new one back from the state topic at any moment.
        FleetCheckpoint previous = view.newestCheckpoint;
        FleetCheckpoint cp;
        try {
            cp = replica.checkpoint(file);
            cp = cp.withPlacement(updatesOffset, "");
            p.beginTransaction();
            try {
                cp = CheckpointTransfer.send(p, topics, file, cp, settings.chunkBytes());
                p.commitTransaction();
            } catch (RuntimeException e) {
                p.abortTransaction();
                throw e;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        view.checkpointSeen(cp);
        view.checkpointsWritten.incrementAndGet();
        checkpointedVersion = cp.snapshot().version();
        checkpointedSequence = cp.snapshot().appliedSequence();
        log.log(System.Logger.Level.INFO, "model " + replica.model() + ": published fleet checkpoint " + cp.location() + " (version "
                + checkpointedVersion + ", sequence " + checkpointedSequence + ", " + cp.fileBytes() + " bytes)");
        if (previous != null) {
            FleetTopicSetup.trim(admin, Map.of(
                    topics.checkpointsPartition(), CheckpointTransfer.firstOffset(previous),
                    topics.updatesPartition(), previous.updatesOffset(),
                    topics.examplesPartition(), previous.snapshot().appliedSequence()));
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
