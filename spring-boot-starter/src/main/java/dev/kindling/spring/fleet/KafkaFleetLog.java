package dev.kindling.spring.fleet;

import dev.kindling.core.serving.log.FleetLog;
import dev.kindling.core.serving.log.FleetReplica;
import dev.kindling.core.serving.log.FleetStatus;
import dev.kindling.core.serving.log.UpdateLogUnavailableException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One model's fleet log on Kafka ({@link FleetTopics}): examples are appended with an idempotent {@code acks=all}
 * producer and acknowledged once the cluster confirmed them; a job's examples and record in one transaction; a follower
 * thread applies the published updates; a trainer thread bids for the role of trainer ({@link FleetTrainer}).
 */
public final class KafkaFleetLog implements FleetLog {

    private static final System.Logger log = System.getLogger(KafkaFleetLog.class.getName());
    private static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final String model;
    private final KafkaFleetSettings settings;
    private final FleetTopics topics;
    private final KafkaClients clients;
    private final FleetView view;
    private final Path workDir;
    private final KafkaProducer<String, byte[]> producer;
    private KafkaProducer<String, byte[]> jobProducer;
    private FleetFollower follower;
    private FleetTrainer trainer;
    private Thread followerThread, trainerThread;
    private FleetReplica replica;

    public KafkaFleetLog(String model, KafkaFleetSettings settings) {
        this.model = model;
        this.settings = settings;
        this.topics = settings.topics(model);
        this.clients = new KafkaClients(settings);
        this.view = new FleetView(settings.replicaId());
        this.workDir = settings.workDirectory().resolve(model).resolve("fleet");
        this.producer = clients.durableProducer(settings.replicaId() + "-" + topics.base() + "-examples");
    }

    public FleetTopics topics() {
        return topics;
    }

    /** Appends only to topics made with the fleet's retention (a broker might otherwise create them with its defaults). */
    private void ensureTopics() {
        if (view.topicsReady) {
            return;
        }
        try (Admin admin = clients.admin(settings.replicaId() + "-" + topics.base() + "-setup")) {
            FleetTopicSetup.ensure(admin, topics, settings);
            view.topicsReady = true;
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw unavailable("that the fleet's topics exist", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("that the fleet's topics exist", e);
        }
    }

    @Override
    public long append(byte[] record) {
        ensureTopics();
        try {
            RecordMetadata m = producer.send(new ProducerRecord<>(topics.examples(), 0, null, record))
                    .get(settings.ackTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            view.reachable();
            return m.offset() + 1;
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw unavailable("the example", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("the example", e);
        }
    }

    @Override
    public synchronized void appendJob(String jobId, byte[] jobRecord, List<byte[]> records) {
        ensureTopics();
        try {
            if (jobProducer == null) {
                jobProducer = clients.transactionalProducer("kindling-" + topics.base() + "-jobs-" + settings.replicaId());
                jobProducer.initTransactions();
            }
            jobProducer.beginTransaction();
            try {
                for (byte[] r : records) {
                    jobProducer.send(new ProducerRecord<>(topics.examples(), 0, null, r));
                }
                jobProducer.send(new ProducerRecord<>(topics.state(), 0, "job:" + jobId, jobRecord));
                jobProducer.commitTransaction();
            } catch (KafkaException e) {
                jobProducer.abortTransaction();
                throw e;
            }
            view.jobs.put(jobId, jobRecord);
            view.reachable();
        } catch (KafkaException e) {
            closeJobProducer();
            throw unavailable("the job", e);
        }
    }

    private void closeJobProducer() {
        if (jobProducer != null) {
            try {
                jobProducer.close(Duration.ofSeconds(1));
            } catch (RuntimeException ignored) {
                // a producer that failed may fail to close; a new one replaces it
            }
            jobProducer = null;
        }
    }

    @Override
    public void putJobRecord(String jobId, byte[] jobRecord) {
        try {
            producer.send(new ProducerRecord<>(topics.state(), 0, "job:" + jobId, jobRecord)).get(settings.ackTimeout().toMillis() + 1000,
                    TimeUnit.MILLISECONDS);
            view.jobs.put(jobId, jobRecord);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw unavailable("the job's state", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("the job's state", e);
        }
    }

    @Override
    public Map<String, byte[]> jobRecords() {
        return java.util.Collections.unmodifiableMap(view.jobs);
    }

    private UpdateLogUnavailableException unavailable(String what, Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        String why = "the fleet's Kafka cluster (" + settings.bootstrapServers() + ") did not confirm " + what + " within " + settings.ackTimeout()
                + ": " + cause;
        view.unreachable(why);
        return new UpdateLogUnavailableException("model '" + model + "': " + why + "; nothing was acknowledged, retry later", RETRY_AFTER, cause);
    }

    @Override
    public synchronized CompletableFuture<Void> start(FleetReplica replica) {
        if (this.replica != null) {
            throw new IllegalStateException("the fleet log of model '" + model + "' was started already");
        }
        this.replica = replica;
        try (Admin admin = clients.admin(settings.replicaId() + "-" + topics.base() + "-setup")) {
            FleetTopicSetup.ensure(admin, topics, settings);
            view.topicsReady = true;
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            // Unreachable now: the follower keeps trying, and creates them (as would the first append) once it reaches the cluster.
            view.unreachable("the fleet's topics could not be checked on " + settings.bootstrapServers() + ": " + e);
            log.log(System.Logger.Level.WARNING, "model " + model + ": " + view.problem);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        follower = new FleetFollower(replica, topics, clients, settings, view, workDir);
        trainer = new FleetTrainer(replica, topics, clients, settings, view, workDir);
        followerThread = Thread.ofPlatform().daemon().name("kindling-fleet-follower-" + model).start(follower);
        trainerThread = Thread.ofPlatform().daemon().name("kindling-fleet-trainer-" + model).start(trainer);
        return view.caughtUp;
    }

    @Override
    public FleetStatus status() {
        FleetReplica r = replica;
        return view.status(r == null ? null : r.divergence());
    }

    @Override
    public synchronized void close() throws IOException {
        if (follower != null) {
            follower.stop();
            trainer.stop();
            view.caughtUp.cancel(false);
            join(trainerThread);
            join(followerThread);
        }
        closeJobProducer();
        producer.close(Duration.ofSeconds(5));
    }

    private static void join(Thread t) {
        try {
            t.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "KafkaFleetLog(" + topics.base() + " on " + settings.bootstrapServers() + ", replica " + settings.replicaId() + ")";
    }
}
