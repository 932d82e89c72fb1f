package dev.kindling.spring.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The test's handle on a {@link FleetReplicaChild}: what it acknowledged and the last state it printed. */
final class ChildReplica {

    /** One STATE line. */
    record State(long appliedSequence, long examplesApplied, long version, String digest, boolean trainer, String problem) {
    }

    final String id;
    final Set<Long> acks = ConcurrentHashMap.newKeySet();
    final AtomicInteger fails = new AtomicInteger();
    private final Process process;
    private volatile State state;
    private volatile String jobId;
    private volatile boolean stopped;

    ChildReplica(String bootstrap, String id, Path data, Path model, int jobExamples, long checkpointMillis, Path logFile) throws IOException {
        this.id = id;
        this.process = BrokerProcess.java(FleetReplicaChild.class.getName(), bootstrap, id, data.toString(), model.toString(),
                String.valueOf(jobExamples), String.valueOf(checkpointMillis)).redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        Thread.ofPlatform().daemon().start(this::read);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "ACK" -> {
                        if (!acks.add(Long.parseLong(f[1]))) {
                            throw new IllegalStateException(id + " acknowledged sequence " + f[1] + " twice");
                        }
                    }
                    case "FAIL" -> fails.incrementAndGet();
                    case "JOB" -> jobId = f[1];
                    case "STOPPED" -> stopped = true;
                    case "STATE" -> state = new State(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), f[4], f[5].equals("trainer"),
                            f[6].equals("-") ? null : f[6]);
                    default -> {
                    }
                }
            }
        } catch (IOException ignored) {
            // killed
        }
    }

    State state() {
        return state;
    }

    String jobId() {
        return jobId;
    }

    boolean trainer() {
        State s = state;
        return s != null && s.trainer() && process.isAlive();
    }

    /** SIGKILL. */
    void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Asks the child to submit its job (it prints the job's id once the fleet holds it). */
    void submitJob() throws IOException {
        tell("job");
    }

    private void tell(String command) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Stops feeding; returns once the child says it stopped. */
    void stopFeeding() throws IOException, InterruptedException {
        tell("stop");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!stopped && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }

    void destroy() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
