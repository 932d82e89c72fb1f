package dev.kindling.spring.fleet;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.log.FleetStatus;
import dev.kindling.core.serving.log.UpdateLogUnavailableException;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.ServedModel;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A replica of the fault tests, in its own JVM so that it can be killed with SIGKILL: {@code <bootstrap> <replica id>
 * <data dir> <model file> <job examples> <checkpoint interval ms>}. It sends
 * feedback from one thread ({@code ACK <sequence>} after each acknowledgement, {@code FAIL} after a 503) until its
 * standard input says {@code stop} (and submits a job of that many examples when it says {@code job}), and prints its model's state every 100 ms: {@code STATE <applied sequence>
 * <examples applied> <version> <digest> <trainer|follower> <problem>}.
 */
public final class FleetReplicaChild {

    private FleetReplicaChild() {
    }

    public static void main(String[] args) throws Exception {
        String id = args[1];
        ServingEngine engine = FleetTestSupport.replica(args[0], id, Path.of(args[2]), Path.of(args[3]),
                java.time.Duration.ofMillis(Long.parseLong(args[5])));
        int jobExamples = Integer.parseInt(args[4]);
        ServedModel m = engine.model(FleetTestSupport.MODEL);
        Thread.ofPlatform().daemon().start(() -> {
            while (true) {
                FleetStatus s = engine.fineTuning().tuner(FleetTestSupport.MODEL).fleet().status();
                print("STATE " + m.appliedSequence() + " " + m.examplesApplied() + " " + m.version() + " " + m.digest().digest().combined() + " "
                        + (s.trainer() ? "trainer" : "follower") + " " + (s.problem() == null ? "-" : s.problem().replace(' ', '_')));
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Thread stopper = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null && !line.equals("stop"); line = in.readLine()) {
                    if (line.equals("job")) {
                        submitJob(engine, id, jobExamples);
                    }
                }
            } catch (Exception e) {
                e.printStackTrace();   // the test went away, or the job could not be submitted: stop feeding
            }
        });
        for (int i = 0; stopper.isAlive(); i++) {
            try {
                ServingEngine.Acknowledgement ack = engine.feedback(FleetTestSupport.MODEL,
                        LabelledExample.of("feedback " + id + " word" + i + " about topic" + (i % 5), "fresh" + (i % 5)));
                print("ACK " + ack.sequence());
            } catch (UpdateLogUnavailableException e) {
                print("FAIL");
                Thread.sleep(200);
            }
            Thread.sleep(5);
        }
        print("STOPPED");
        Thread.sleep(Long.MAX_VALUE);
    }

    /** Submits a job of {@code n} examples, retrying while the cluster answers 503 (as a client would). */
    private static void submitJob(ServingEngine engine, String id, int n) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < n; i++) {
            lines.append("__label__skiing powder piste lift ").append(id).append(' ').append(i).append('\n');
        }
        byte[] job = lines.toString().getBytes(StandardCharsets.UTF_8);
        for (int attempt = 1; ; attempt++) {
            try {
                print("JOB " + engine.startJob(FleetTestSupport.MODEL, new ByteArrayInputStream(job)).id());
                return;
            } catch (UpdateLogUnavailableException e) {
                // The first transaction of a new cluster may take longer than the acknowledgement timeout.
                System.err.println(id + ": job attempt " + attempt + " refused: " + e.getMessage());
                Thread.sleep(500);
            }
        }
    }

    private static synchronized void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
