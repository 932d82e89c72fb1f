package dev.kindling.spring.observability;

import dev.kindling.spring.device.DeviceRouter;
import dev.kindling.spring.device.GuardedDevice;
import dev.kindling.core.serving.model.ModelProvenance;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.serving.model.ServedModel;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Serving health of Kindling (the {@code kindling} component, for the readiness group): the CPU kernel set, devices with
 * their breaker states, models with the version served, the version learned, label counts and provenance (what each was
 * loaded from, with SHA-256 hashes). Requests are served (on the CPU at worst) while accelerators' breakers are open, and
 * whatever happens to learning, so it is UP once the engine runs; how learning goes is {@link KindlingLearningHealthIndicator}'s.
 */
public final class KindlingHealthIndicator implements HealthIndicator {

    private final DeviceRouter router;
    private final ObjectProvider<ModelRegistry> models;

    public KindlingHealthIndicator(DeviceRouter router, ObjectProvider<ModelRegistry> models) {
        this.router = router;
        this.models = models;
    }

    @Override
    public Health health() {
        Health.Builder h = Health.up();
        Map<String, Object> devices = new LinkedHashMap<>();
        for (GuardedDevice g : router.guardedDevices()) {
            devices.put(g.device().device().toString(), Map.of("breaker", g.state(), "inFlight", g.inFlight(), "calls", g.calls(),
                    "failures", g.failures(), "rejections", g.rejections()));
        }
        h.withDetail("devices", devices);
        h.withDetail("cpuKernels", CpuKernelSet.current().equals("vector") ? "vector"
                : "scalar (start the JVM with " + CpuKernelSet.FLAG + " for the Vector API kernels)");
        ModelRegistry registry = models.getIfAvailable();
        if (registry != null) {
            Map<String, Object> ms = new LinkedHashMap<>();
            for (ServedModel m : registry.all()) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("version", m.servingVersion());
                d.put("learnedVersion", m.version());
                d.put("labels", m.labelCount());
                d.put("examplesApplied", m.examplesApplied());
                d.put("provenance", provenance(registry.provenance(m.name())));
                long fallbacks = registry.checkpointFallbacks(m.name());
                if (fallbacks > 0) {
                    d.put("checkpointFallbacks", fallbacks);   // a damaged checkpoint was skipped at start (logged at ERROR)
                }
                ms.put(m.name(), d);
            }
            h.withDetail("models", ms);
        }
        return h.build();
    }

    private static Map<String, Object> provenance(ModelProvenance p) {
        Map<String, Object> d = new LinkedHashMap<>();
        if (p == null) {
            return d;
        }
        d.put("source", p.source().name());
        d.put("file", p.file() == null ? null : p.file().toString());
        d.put("sha256", p.sha256());
        d.put("configuredFile", p.configuredFile() == null ? null : p.configuredFile().toString());
        d.put("configuredSha256", p.configuredSha256());
        d.put("configuredFileChanged", p.configuredFileChanged());
        d.put("note", p.note());
        return d;
    }

}
