package dev.kindling.spring.fleet;

import dev.kindling.core.serving.log.FleetLogFactory;

import java.time.Duration;

/**
 * Present when this application is a replica of a fleet: the engine's models learn through {@code logs}, and the
 * engine's start waits up to {@code catchUp} for them to hold the fleet's current model.
 */
public record FleetMembership(FleetLogFactory logs, Duration catchUp) {
}
