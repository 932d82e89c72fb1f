package dev.kindling.spring.observability;

import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.serving.finetune.ModelFineTuner;
import dev.kindling.core.serving.guard.Judgement;
import dev.kindling.core.serving.guard.KeptVersion;
import dev.kindling.core.serving.guard.ModelGuard;
import dev.kindling.core.serving.guard.ValidationGate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Learning health of Kindling (the {@code kindlingLearning} component): per fine-tuned model the lag and queue, records set
 * aside, a fine-tuning failure, the validation gate (held since when and why, its held-out set, promotions and holds), label
 * refusals by rule, kept versions, online precision and loss. A problem here is {@link #WARNING}, never DOWN: the models
 * are still served (a failed fine-tuner leaves the last version served; a held gate serves the last good one). WARNING is
 * not in Spring Boot's default status order, so it does not change the aggregate status unless an application orders it
 * ({@code management.endpoint.health.status.order=DOWN,OUT_OF_SERVICE,WARNING,UP,UNKNOWN}; its HTTP status stays 200).
 */
public final class KindlingLearningHealthIndicator implements HealthIndicator {

    /** Learning needs an operator's look; serving goes on. */
    public static final Status WARNING = new Status("WARNING", "learning needs attention; serving is not affected");

    private final ObjectProvider<FineTuningService> fineTuning;

    public KindlingLearningHealthIndicator(ObjectProvider<FineTuningService> fineTuning) {
        this.fineTuning = fineTuning;
    }

    @Override
    public Health health() {
        FineTuningService ft = fineTuning.getIfAvailable();
        if (ft == null) {
            return Health.up().withDetail("fineTuning", "off").build();
        }
        boolean warn = false;
        Map<String, Object> models = new LinkedHashMap<>();
        for (ModelFineTuner t : ft.tuners()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("fineTuningLag", t.lag());
            d.put("queueDepth", t.queueDepth());
            d.put("quarantinedRecords", heldRecords(t));
            if (t.failure() != null) {
                d.put("fineTuningFailure", t.failure().toString());
                warn = true;
            }
            ModelGuard g = t.guard();
            if (g != null) {
                warn |= guard(g, d);
            }
            models.put(t.model().name(), d);
        }
        return (warn ? Health.status(WARNING) : Health.up()).withDetail("models", models).build();
    }

    /** The guardrails' details into {@code d}; true when they need attention. */
    private static boolean guard(ModelGuard g, Map<String, Object> d) {
        boolean warn = false;
        ValidationGate gate = g.gate();
        if (gate != null) {
            Map<String, Object> gd = new LinkedHashMap<>();
            gd.put("held", gate.held());
            if (gate.held()) {
                gd.put("heldSince", String.valueOf(gate.heldSince()));
                warn = true;
            }
            gd.put("judging", gate.judging());
            gd.put("heldOut", gate.heldOut().describe());
            Judgement j = gate.lastJudgement();
            if (j != null) {
                gd.put("lastJudgement", j.reason());
                gd.put("servedVersion", j.servedVersion());
                gd.put("candidateVersion", j.candidateVersion());
            }
            gd.put("promotions", gate.promotions());
            gd.put("holds", gate.holds());
            d.put("gate", gd);
        }
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("newLastHour", g.labels().newLabelsLastHour());
        labels.put("newTotal", g.labels().newLabelsTotal());
        Map<String, Long> refusals = new LinkedHashMap<>();
        g.labels().refusals().forEach((rule, n) -> refusals.put(rule.id(), n));
        labels.put("refusals", refusals);
        d.put("labels", labels);
        List<Long> kept = g.versions().list().stream().map(KeptVersion::version).toList();
        d.put("keptVersions", kept);
        d.put("onlinePrecisionAt1", g.online().precisionAt1());
        d.put("onlineLoss", g.online().loss());
        if (g.auditFailures() > 0) {
            d.put("auditFailures", g.auditFailures());
            warn = true;
        }
        return warn;
    }

    /** Records set aside and waiting for an operator; they do not need attention by themselves (later records are applied). */
    private static Object heldRecords(ModelFineTuner t) {
        try {
            return t.quarantine().held();
        } catch (IOException e) {
            return "unknown: " + e.getMessage();
        }
    }
}
