package dev.kindling.spring.fleet;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Creates a model's topics when they are missing, with the retention the fleet relies on: nothing is deleted by age
 * or size ({@code retention.ms=-1}, {@code retention.bytes=-1}), since examples not yet trained and updates newer than
 * the checkpoints must stay; the trainer deletes what the two newest fleet checkpoints hold ({@link #trim}). The state
 * topic is compacted (the newest record per key). Topics that exist are left as they are.
 */
final class FleetTopicSetup {

    private static final System.Logger log = System.getLogger(FleetTopicSetup.class.getName());

    private FleetTopicSetup() {
    }

    static void ensure(Admin admin, FleetTopics topics, KafkaFleetSettings settings) throws ExecutionException, InterruptedException,
            java.util.concurrent.TimeoutException {
        Map<String, String> kept = new HashMap<>();
        kept.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
        kept.put(TopicConfig.RETENTION_BYTES_CONFIG, "-1");
        kept.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        if (settings.minInsyncReplicas() > 0) {
            kept.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(settings.minInsyncReplicas()));
        }
        Map<String, String> chunks = new HashMap<>(kept);
        chunks.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(settings.chunkBytes() + (64 << 10)));
        Map<String, String> state = new HashMap<>(kept);
        state.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        state.remove(TopicConfig.RETENTION_BYTES_CONFIG);
        Optional<Short> rf = settings.replicationFactor() > 0 ? Optional.of((short) settings.replicationFactor()) : Optional.empty();
        List<NewTopic> wanted = List.of(
                new NewTopic(topics.examples(), Optional.of(1), rf).configs(kept),
                new NewTopic(topics.updates(), Optional.of(1), rf).configs(kept),
                new NewTopic(topics.checkpoints(), Optional.of(1), rf).configs(chunks),
                new NewTopic(topics.state(), Optional.of(1), rf).configs(state));
        var result = admin.createTopics(wanted);
        for (var e : result.values().entrySet()) {
            try {
                e.getValue().get(settings.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
                log.log(System.Logger.Level.INFO, "created fleet topic " + e.getKey());
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof TopicExistsException)) {
                    throw ex;
                }
            }
        }
    }

    /** Deletes the records before each given offset (what the kept checkpoints hold); failures only delay the trim. */
    static void trim(Admin admin, Map<TopicPartition, Long> before) {
        Map<TopicPartition, RecordsToDelete> del = new HashMap<>();
        before.forEach((tp, offset) -> {
            if (offset > 0) {
                del.put(tp, RecordsToDelete.beforeOffset(offset));
            }
        });
        if (del.isEmpty()) {
            return;
        }
        try {
            admin.deleteRecords(del).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            log.log(System.Logger.Level.WARNING, "could not trim fleet topics " + del.keySet() + " (retried after the next checkpoint): " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
