package dev.kindling.spring.fleet;

import dev.kindling.core.serving.log.FleetLog;
import dev.kindling.core.serving.log.FleetLogFactory;

/** Opens each model's {@link KafkaFleetLog}. */
public record KafkaFleetLogFactory(KafkaFleetSettings settings) implements FleetLogFactory {

    @Override
    public FleetLog open(String model) {
        return new KafkaFleetLog(model, settings);
    }
}
