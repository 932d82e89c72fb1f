package dev.kindling.core.serving.log;

import java.io.IOException;

/** Opens the fleet log of each fine-tuned model (e.g. its Kafka topics): replicas that share it learn as one model. */
@FunctionalInterface
public interface FleetLogFactory {

    FleetLog open(String model) throws IOException;
}
