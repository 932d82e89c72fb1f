package dev.kindling.spring.fleet;

import dev.kindling.core.serving.log.FleetCheckpoint;
import dev.kindling.core.serving.log.FleetStatus;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one replica knows of its model's fleet, shared by its follower and trainer threads: the state topic's newest
 * checkpoint and job records, where the follower is in the updates, whether the cluster answers, and why not.
 */
final class FleetView {

    final String replicaId;
    final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    final Map<String, byte[]> jobs = new ConcurrentHashMap<>();
    final AtomicLong resyncs = new AtomicLong();
    final AtomicLong checkpointsWritten = new AtomicLong();
    volatile FleetCheckpoint newestCheckpoint;
    /** The checkpoint that was newest before it (what the trainer keeps when it trims the topics). */
    volatile FleetCheckpoint previousCheckpoint;
    /** The offset of the next update the follower reads: every update before it is in the model (or held by it). */
    volatile long nextUpdateOffset;
    volatile long updatesBehind = -1;
    volatile boolean trainer;
    /** The model's topics were found or created with the fleet's settings (until then nothing is appended). */
    volatile boolean topicsReady;
    volatile boolean reachable = true;
    volatile String problem;

    FleetView(String replicaId) {
        this.replicaId = replicaId;
    }

    void checkpointSeen(FleetCheckpoint cp) {
        FleetCheckpoint cur = newestCheckpoint;
        if (cur != null && cur.location().equals(cp.location())) {
            return;
        }
        previousCheckpoint = cur;
        newestCheckpoint = cp;
    }

    void unreachable(String why) {
        reachable = false;
        problem = why;
    }

    void reachable() {
        reachable = true;
        problem = null;
    }

    FleetStatus status(String divergence) {
        String p = divergence != null ? "diverged, reloading the newest fleet checkpoint: " + divergence : problem;
        return new FleetStatus(replicaId, trainer, caughtUp.isDone() && !caughtUp.isCompletedExceptionally(), updatesBehind, reachable, p,
                resyncs.get(), checkpointsWritten.get());
    }
}
