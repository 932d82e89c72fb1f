package dev.kindling.spring.fleet;

import dev.kindling.core.serving.log.FleetCheckpoint;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Fleet checkpoints in Kafka: the model file cut into records of the {@code checkpoints} topic (keys
 * {@code <id>:<index>}), then its description ({@link FleetCheckpoint}, with {@code location} =
 * {@code <id>@<first offset>-<last offset>}) under key {@code checkpoint} of the compacted {@code state} topic, all in the
 * trainer's transaction: a replica either finds a whole checkpoint or the previous one. A new replica reads the state
 * topic (small) for the newest description, then exactly the records it names. No shared disk is needed.
 */
final class CheckpointTransfer {

    static final String STATE_KEY = "checkpoint";

    private CheckpointTransfer() {
    }

    /**
     * Sends {@code file} and its description inside the producer's open transaction; returns the description with its
     * location (the caller commits).
     */
    static FleetCheckpoint send(KafkaProducer<String, byte[]> producer, FleetTopics topics, Path file, FleetCheckpoint described, int chunkBytes)
            throws IOException, ExecutionException, InterruptedException {
        String id = "v" + described.snapshot().version() + "-s" + described.snapshot().appliedSequence() + "-" + System.currentTimeMillis();
        long first = -1, last = -1;
        byte[] buf = new byte[chunkBytes];
        int index = 0;
        try (InputStream in = Files.newInputStream(file)) {
            while (true) {
                int n = in.readNBytes(buf, 0, buf.length);
                if (n == 0 && index > 0) {
                    break;
                }
                byte[] chunk = java.util.Arrays.copyOf(buf, n);
                Future<RecordMetadata> f = producer.send(new ProducerRecord<>(topics.checkpoints(), 0, id + ":" + index, chunk));
                long offset = f.get().offset();   // appended (not yet committed): its offset is final
                first = first < 0 ? offset : first;
                last = offset;
                index++;
                if (n < buf.length) {
                    break;
                }
            }
        }
        FleetCheckpoint placed = described.withPlacement(described.updatesOffset(), id + "@" + first + "-" + last);
        producer.send(new ProducerRecord<>(topics.state(), 0, STATE_KEY, placed.encode())).get();
        return placed;
    }

    /** The first offset of the checkpoints topic that {@code cp} needs. */
    static long firstOffset(FleetCheckpoint cp) {
        return range(cp)[0];
    }

    private static long[] range(FleetCheckpoint cp) {
        String loc = cp.location();
        int at = loc.lastIndexOf('@'), dash = loc.lastIndexOf('-');
        if (at < 0 || dash < at) {
            throw new IllegalArgumentException("fleet checkpoint location '" + loc + "' is not <id>@<first>-<last>");
        }
        return new long[]{Long.parseLong(loc.substring(at + 1, dash)), Long.parseLong(loc.substring(dash + 1))};
    }

    /** Reads the records {@code cp} names into {@code target}; fails when one is missing or not the checkpoint's. */
    static void fetch(KafkaConsumer<String, byte[]> consumer, FleetTopics topics, FleetCheckpoint cp, Path target, Duration timeout)
            throws IOException {
        long[] r = range(cp);
        String id = cp.location().substring(0, cp.location().lastIndexOf('@'));
        var tp = topics.checkpointsPartition();
        consumer.assign(List.of(tp));
        consumer.seek(tp, r[0]);
        long deadline = System.nanoTime() + timeout.toNanos();
        int expected = 0;
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            while (consumer.position(tp) <= r[1]) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("fleet checkpoint " + id + " could not be read within " + timeout + " (at offset " + consumer.position(tp)
                            + " of " + r[0] + "-" + r[1] + ")");
                }
                for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
                    if (rec.offset() > r[1]) {
                        break;
                    }
                    if (rec.offset() < r[0]) {
                        throw new IOException("fleet checkpoint " + id + ": offset " + r[0] + " is gone (the topic starts later)");
                    }
                    if (!(id + ":" + expected).equals(rec.key())) {
                        throw new IOException("fleet checkpoint " + id + ": record " + rec.offset() + " is '" + rec.key() + "', expected chunk "
                                + expected);
                    }
                    out.write(rec.value());
                    expected++;
                }
            }
        } finally {
            consumer.unsubscribe();
        }
        Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
