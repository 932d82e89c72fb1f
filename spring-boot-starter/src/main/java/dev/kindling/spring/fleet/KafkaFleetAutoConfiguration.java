package dev.kindling.spring.fleet;

import dev.kindling.spring.finetune.FineTuningProperties;
import dev.kindling.spring.model.ModelsAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import java.util.Map;

/**
 * A fleet of replicas on Kafka, when {@code kindling.fine-tuning.log=kafka}: every fine-tuned model learns through its
 * topics on {@code spring.kafka.bootstrap-servers} (needs {@code kafka-clients} on the class path). The local
 * write-ahead log stays the default.
 */
@AutoConfiguration(before = ModelsAutoConfiguration.class)
@ConditionalOnClass(name = "org.apache.kafka.clients.producer.KafkaProducer")
@ConditionalOnProperty(prefix = "kindling.fine-tuning", name = "log", havingValue = "kafka")
@EnableConfigurationProperties({KafkaFleetProperties.class, FineTuningProperties.class})
public class KafkaFleetAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public FleetMembership kindlingFleetMembership(KafkaFleetProperties fleet, FineTuningProperties fineTuning, Environment env) {
        String servers = env.getProperty("spring.kafka.bootstrap-servers", "");
        if (servers.isBlank()) {
            throw new IllegalStateException("kindling.fine-tuning.log=kafka needs spring.kafka.bootstrap-servers (host:port of the fleet's Kafka cluster)");
        }
        String id = fleet.getReplicaId() == null || fleet.getReplicaId().isBlank() ? KafkaFleetSettings.defaultReplicaId() : fleet.getReplicaId();
        KafkaFleetSettings settings = new KafkaFleetSettings(servers, fleet.getTopicPrefix(), id, fleet.getReplicationFactor(),
                fleet.getMinInsyncReplicas(), fleet.getAckTimeout(), fleet.getCheckpointInterval(), fleet.getCheckpointChunkBytes(),
                fineTuning.getBatchSize(), fleet.getPollTimeout(), fleet.getSessionTimeout(), fineTuning.getDirectory(), Map.of());
        return new FleetMembership(new KafkaFleetLogFactory(settings), fleet.getCatchUpTimeout());
    }
}
