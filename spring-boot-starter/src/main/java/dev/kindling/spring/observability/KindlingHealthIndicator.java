package dev.kindling.spring.observability;

import dev.kindling.spring.device.DeviceRouter;
import dev.kindling.spring.device.GuardedDevice;
import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.serving.finetune.ModelFineTuner;
import dev.kindling.core.serving.model.ModelProvenance;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.serving.model.ServedModel;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Health of Kindling: the CPU kernel set, devices with their breaker states, models with versions, label counts and
 * provenance (what each was loaded from, with SHA-256 hashes), and fine-tuning lag. DOWN when a model's fine-tuning stopped after a failure; requests are still served
 * (on the CPU at worst) while accelerators' breakers are open, so open breakers alone do not make it DOWN.
 */
public final class KindlingHealthIndicator implements HealthIndicator {

    private final DeviceRouter router;
    private final ObjectProvider<ModelRegistry> models;
    private final ObjectProvider<FineTuningService> fineTuning;

    public KindlingHealthIndicator(DeviceRouter router, ObjectProvider<ModelRegistry> models, ObjectProvider<FineTuningService> fineTuning) {
        this.router = router;
        this.models = models;
        this.fineTuning = fineTuning;
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
        FineTuningService ft = fineTuning.getIfAvailable();
        ModelRegistry registry = models.getIfAvailable();
        if (registry != null) {
            Map<String, Object> ms = new LinkedHashMap<>();
            for (ServedModel m : registry.all()) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("version", m.version());
                d.put("labels", m.labelCount());
                d.put("examplesApplied", m.examplesApplied());
                d.put("provenance", provenance(registry.provenance(m.name())));
                long fallbacks = registry.checkpointFallbacks(m.name());
                if (fallbacks > 0) {
                    d.put("checkpointFallbacks", fallbacks);   // a damaged checkpoint was skipped at start (logged at ERROR)
                }
                if (ft != null && m.settings().fineTuning()) {
                    ModelFineTuner t = ft.tuner(m.name());
                    d.put("fineTuningLag", t.lag());
                    d.put("queueDepth", t.queueDepth());
                    d.put("quarantinedRecords", heldRecords(t));
                    if (t.failure() != null) {
                        d.put("fineTuningFailure", t.failure().toString());
                        h.down();
                    }
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

    /** Records set aside and waiting for an operator; they do not make the model DOWN (later records are applied). */
    private static Object heldRecords(ModelFineTuner t) {
        try {
            return t.quarantine().held();
        } catch (java.io.IOException e) {
            return "unknown: " + e.getMessage();
        }
    }
}
