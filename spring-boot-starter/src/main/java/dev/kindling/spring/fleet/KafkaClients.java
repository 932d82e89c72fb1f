package dev.kindling.spring.fleet;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.Map;

/** The fleet's Kafka clients, configured for its guarantees: durable acknowledgements and read-committed consumers. */
final class KafkaClients {

    private final KafkaFleetSettings settings;

    KafkaClients(KafkaFleetSettings settings) {
        this.settings = settings;
    }

    private Map<String, Object> common(String clientId) {
        Map<String, Object> p = new HashMap<>(settings.clientProperties());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        return p;
    }

    /**
     * The producer of examples: acknowledged only when every in-sync replica has the record ({@code acks=all}, and the
     * topic's {@code min.insync.replicas}), idempotent so that its retries never duplicate a record, and bounded in time
     * so that an unreachable cluster gives a quick 503 instead of a hung request.
     */
    KafkaProducer<String, byte[]> durableProducer(String clientId) {
        return new KafkaProducer<>(durableConfig(clientId));
    }

    /** A transactional producer (trainer, job submissions): what it writes in one transaction is read all or nothing. */
    KafkaProducer<String, byte[]> transactionalProducer(String transactionalId) {
        Map<String, Object> p = durableConfig(transactionalId);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
        return new KafkaProducer<>(p);
    }

    private Map<String, Object> durableConfig(String clientId) {
        Map<String, Object> p = common(clientId);
        long ack = settings.ackTimeout().toMillis();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ack);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, ack / 2));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(1000 + Math.max(1000, ack / 2), ack));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(1 << 20, settings.chunkBytes() + (64 << 10)));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }

    /** A consumer that sees only committed transactions; with a group id it takes part in choosing the trainer. */
    KafkaConsumer<String, byte[]> consumer(String clientId, String groupId, int maxPollRecords) {
        Map<String, Object> p = common(clientId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);   // the fleet creates its topics with its own retention
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Math.max(1 << 20, settings.chunkBytes() + (64 << 10)));
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.max(2000, settings.ackTimeout().toMillis()));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.sessionTimeout().toMillis());
            p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(100, settings.sessionTimeout().toMillis() / 5));
        }
        return new KafkaConsumer<>(p);
    }

    Admin admin(String clientId) {
        Map<String, Object> p = common(clientId);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(2000, settings.ackTimeout().toMillis()));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.max(2000, settings.ackTimeout().toMillis()));
        return Admin.create(p);
    }
}
