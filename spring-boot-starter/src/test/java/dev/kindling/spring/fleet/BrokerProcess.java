package dev.kindling.spring.fleet;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A one-node KRaft Kafka broker as a child process, from the {@code kafka_2.13} artifacts on the test class path (no
 * Docker): storage formatted once, then {@code kafka.Kafka server.properties}; it can be killed with SIGKILL and
 * started again on the same log directory and ports, as a broker restart test needs.
 */
final class BrokerProcess implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final Path properties;
    private Process process;

    BrokerProcess(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        this.port = freePort();
        int controller = freePort();
        this.properties = dir.resolve("server.properties");
        Files.createDirectories(dir);
        Files.writeString(properties, String.join("\n",
                "process.roles=broker,controller", "node.id=1",
                "controller.quorum.bootstrap.servers=localhost:" + controller,
                "listeners=PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controller,
                "advertised.listeners=PLAINTEXT://localhost:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + dir.resolve("logs"),
                "num.partitions=1",
                "transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1",
                "offsets.topic.replication.factor=1", "offsets.topic.num.partitions=1", "transaction.state.log.num.partitions=1",
                "group.initial.rebalance.delay.ms=0", "group.min.session.timeout.ms=500",
                "") );
        String uuid = org.apache.kafka.common.Uuid.randomUuid().toString();
        Process format = java("kafka.tools.StorageTool", "format", "--standalone", "-t", uuid, "-c", properties.toString())
                .redirectOutput(dir.resolve("format.log").toFile()).redirectErrorStream(true).start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            throw new IOException("formatting the broker's storage failed: " + Files.readString(dir.resolve("format.log")));
        }
    }

    String bootstrap() {
        return "localhost:" + port;
    }

    /** Starts the broker and returns once its port accepts connections. */
    void start() throws IOException, InterruptedException {
        process = java("kafka.Kafka", properties.toString())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile())).redirectErrorStream(true).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IOException("the broker exited with " + process.exitValue() + "; see " + dir.resolve("broker.log"));
            }
            try (Socket s = new Socket("localhost", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException("the broker did not open port " + port + " within 60 s; see " + dir.resolve("broker.log"));
    }

    /** SIGKILL: no shutdown, as a crash. */
    void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    static ProcessBuilder java(String mainClass, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
