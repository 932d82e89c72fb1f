package dev.kindling.spring.fleet;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.finetune.FineTuningSettings;
import dev.kindling.core.serving.model.ModelSettings;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Engines that are replicas of one fleet, for the fleet tests (short intervals, so that a test takes seconds). */
final class FleetTestSupport {

    static final String MODEL = "topics";

    /** What a one-broker KRaft cluster needs for transactions, and quick group rebalances. */
    static final Map<String, String> ONE_BROKER = Map.of(
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "offsets.topic.replication.factor", "1",
            "group.initial.rebalance.delay.ms", "0",
            "group.min.session.timeout.ms", "500");

    private FleetTestSupport() {
    }

    static KafkaFleetSettings settings(String bootstrap, String replicaId, Path work, Duration checkpointInterval) {
        return new KafkaFleetSettings(bootstrap, "kindling.", replicaId, 1, 1, Duration.ofSeconds(5), checkpointInterval, 16 * 1024, 16,
                Duration.ofMillis(30), Duration.ofSeconds(2), work, Map.of());
    }

    static ServingEngine replica(String bootstrap, String replicaId, Path data, Path modelFile) throws IOException {
        return replica(bootstrap, replicaId, data, modelFile, Duration.ofMillis(700));
    }

    static ServingEngine replica(String bootstrap, String replicaId, Path data, Path modelFile, Duration checkpointInterval) throws IOException {
        return ServingEngine.builder()
                .dataDirectory(data)
                .model(ModelSettings.builder(MODEL).checkpoint(modelFile).build())
                .fineTuning(FineTuningSettings.builder().batchSize(16).learningRate(0.2f).build())
                .fleet(new KafkaFleetLogFactory(settings(bootstrap, replicaId, data, checkpointInterval)), Duration.ofSeconds(60))
                .start();
    }
}
