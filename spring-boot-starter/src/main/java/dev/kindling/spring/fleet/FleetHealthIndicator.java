package dev.kindling.spring.fleet;

import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.serving.finetune.ModelFineTuner;
import dev.kindling.core.serving.log.FleetStatus;
import dev.kindling.core.serving.model.VersionDigest;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Each fleet model's place in the fleet: its role, how far behind it is, its version and parameter digest, and why it
 * cannot take feedback (the cluster is unreachable) or is not the fleet's model (it diverged and is reloading). DOWN
 * then, though classification goes on serving the last model: put it in the readiness group, not liveness.
 */
public final class FleetHealthIndicator implements HealthIndicator {

    private final FineTuningService fineTuning;

    public FleetHealthIndicator(FineTuningService fineTuning) {
        this.fineTuning = fineTuning;
    }

    @Override
    public Health health() {
        Health.Builder h = Health.up();
        for (ModelFineTuner t : fineTuning.tuners()) {
            if (t.fleet() == null) {
                continue;
            }
            FleetStatus s = t.fleet().status();
            VersionDigest d = t.model().latestDigest();   // a health scrape must not hold the replica's updates up
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("replica", s.replicaId());
            m.put("role", s.trainer() ? "trainer" : "follower");
            m.put("caughtUp", s.caughtUp());
            m.put("updatesBehind", s.updatesBehind());
            m.put("version", t.model().version());
            if (d != null) {
                m.put("digestVersion", d.version());
                m.put("digest", d.digest().combined());
            }
            m.put("appliedSequence", t.model().appliedSequence());
            m.put("reachable", s.reachable());
            m.put("resyncs", s.resyncs());
            if (s.problem() != null) {
                m.put("problem", s.problem() + "; feedback is refused with 503 meanwhile, classification serves version " + t.model().version());
                h.down();
            }
            h.withDetail(t.model().name(), m);
        }
        return h.build();
    }
}
