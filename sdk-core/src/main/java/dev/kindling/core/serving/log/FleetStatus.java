package dev.kindling.core.serving.log;

/**
 * One replica's place in a fleet, for health and the models endpoint.
 *
 * @param replicaId      this replica's name in the fleet
 * @param trainer        whether this replica trains the model now
 * @param caughtUp       whether it applied every update the log held when it started
 * @param updatesBehind  updates published but not yet applied here (as of the last look at the log; -1 unknown)
 * @param reachable      whether the log answered recently
 * @param problem        why the replica cannot take part fully (log unreachable, a divergence being repaired), else null
 * @param resyncs        how often this replica reloaded a fleet checkpoint to repair a divergence
 * @param checkpoints    fleet checkpoints this replica wrote as the trainer
 */
public record FleetStatus(String replicaId, boolean trainer, boolean caughtUp, long updatesBehind, boolean reachable, String problem,
                          long resyncs, long checkpoints) {
}
