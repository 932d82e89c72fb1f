package dev.kindling.spring.observability;

import dev.kindling.core.serving.ClassificationService;
import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.serving.finetune.ModelFineTuner;
import dev.kindling.core.serving.guard.HeldOutScore;
import dev.kindling.core.serving.guard.Judgement;
import dev.kindling.core.serving.guard.LabelPolicy;
import dev.kindling.core.serving.guard.LabelRule;
import dev.kindling.core.serving.guard.ModelGuard;
import dev.kindling.core.serving.guard.OnlineAccuracy;
import dev.kindling.core.serving.guard.ValidationGate;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.serving.routing.RetryLaterException;
import dev.kindling.core.tensor.Device;
import dev.kindling.spring.device.DeviceRouter;
import dev.kindling.spring.device.GuardedDevice;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;

import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters, named after the properties that configure what they measure ({@code kindling.fine-tuning.*} for
 * {@code kindling.fine-tuning}): devices (calls and failures as counters, calls in flight, breaker state), models
 * (version, labels, checkpoint fallbacks), fine-tuning (examples applied, loss, queue depth, lag, records set aside)
 * and guardrails ({@code kindling.guardrails.*}: label refusals by rule, the gate's holds and held-out scores, online
 * precision and loss, kept versions) and inference (latency with an {@code outcome} tag, batch sizes, fallbacks, as the engine's
 * {@link ClassificationService} reports them). Cache statistics are bound by {@code EmbeddingCaches}, the guards'
 * own meters by resilience4j-micrometer when it is present.
 */
public final class KindlingMetrics implements MeterBinder, ModelFineTuner.Listener, ClassificationService.Observer {

    private final DeviceRouter router;
    private final ObjectProvider<ModelRegistry> models;
    private final ObjectProvider<FineTuningService> fineTuning;
    private volatile MeterRegistry registry;

    public KindlingMetrics(DeviceRouter router, ObjectProvider<ModelRegistry> models, ObjectProvider<FineTuningService> fineTuning) {
        this.router = router;
        this.models = models;
        this.fineTuning = fineTuning;
    }

    @Override
    public void bindTo(MeterRegistry r) {
        this.registry = r;
        for (GuardedDevice g : router.guardedDevices()) {
            String dev = g.device().device().toString();
            Gauge.builder("kindling.device.calls.active", g, GuardedDevice::inFlight).tag("device", dev)
                    .description("calls running on the device now").register(r);
            FunctionCounter.builder("kindling.device.calls", g, GuardedDevice::calls).tag("device", dev)
                    .description("calls sent to the device").register(r);
            FunctionCounter.builder("kindling.device.failures", g, GuardedDevice::failures).tag("device", dev)
                    .description("calls that failed on the device (and were retried on the next one)").register(r);
            FunctionCounter.builder("kindling.device.rejections", g, GuardedDevice::rejections).tag("device", dev)
                    .description("calls turned away by a full bulkhead").register(r);
            Gauge.builder("kindling.device.breaker.open", g, d -> d.state().equals("OPEN") ? 1 : 0).tag("device", dev).register(r);
            if (g.device().device().isCpu()) {
                Gauge.builder("kindling.device.memory.used", Runtime.getRuntime(), rt -> rt.totalMemory() - rt.freeMemory())
                        .tag("device", dev).baseUnit("bytes").description("JVM heap in use (CPU tensors)").register(r);
            }
        }
        ModelRegistry registryOfModels = models.getIfAvailable();
        if (registryOfModels != null) {
            for (ServedModel m : registryOfModels.all()) {
                Gauge.builder("kindling.model.version", m, ServedModel::version).tag("model", m.name()).register(r);
                Gauge.builder("kindling.model.labels", m, ServedModel::labelCount).tag("model", m.name()).register(r);
                FunctionCounter.builder("kindling.model.checkpoint.fallbacks", registryOfModels, reg -> reg.checkpointFallbacks(m.name()))
                        .tag("model", m.name()).description("damaged or missing checkpoints skipped at start").register(r);
            }
        }
    }

    /** Registers the fine-tuning meters once the service exists (it is created after this binder). */
    public void bindFineTuning() {
        MeterRegistry r = registry;
        FineTuningService service = fineTuning.getIfAvailable();
        if (r == null || service == null) {
            return;
        }
        for (ModelFineTuner t : service.tuners()) {
            String model = t.model().name();
            Gauge.builder("kindling.fine-tuning.queue.depth", t, ModelFineTuner::queueDepth).tag("model", model).register(r);
            Gauge.builder("kindling.fine-tuning.lag", t, ModelFineTuner::lag).tag("model", model)
                    .description("acknowledged examples not yet in the model").register(r);
            Gauge.builder("kindling.fine-tuning.loss", t, ModelFineTuner::lastLoss).tag("model", model).register(r);
            FunctionCounter.builder("kindling.fine-tuning.quarantined", t, ModelFineTuner::setAside).tag("model", model)
                    .description("write-ahead-log records that could not be applied and were set aside (since start)").register(r);
            if (t.guard() != null) {
                bindGuardrails(r, t.guard());
            }
        }
    }

    /** {@code kindling.guardrails.*}: refusals by rule, the gate's decisions and scores, online accuracy, kept versions. */
    private static void bindGuardrails(MeterRegistry r, ModelGuard g) {
        String model = g.model().name();
        for (LabelRule rule : LabelRule.values()) {
            FunctionCounter.builder("kindling.guardrails.labels.refused", g.labels(), p -> p.refusals(rule)).tag("model", model)
                    .tag("rule", rule.id()).description("feedback and jobs the label policy refused, by rule (since start)").register(r);
        }
        Gauge.builder("kindling.guardrails.labels.new.last-hour", g.labels(), LabelPolicy::newLabelsLastHour).tag("model", model)
                .description("new labels taken in the last hour").register(r);
        Gauge.builder("kindling.guardrails.online.precision", g.online(), OnlineAccuracy::precisionAt1).tag("model", model)
                .description("share of feedback the served model already answered right (before learning it), recent examples").register(r);
        Gauge.builder("kindling.guardrails.online.loss", g.online(), OnlineAccuracy::loss).tag("model", model)
                .description("mean loss of feedback before learning it, recent examples").register(r);
        Gauge.builder("kindling.guardrails.versions.kept", g.versions(), v -> v.list().size()).tag("model", model).register(r);
        Gauge.builder("kindling.model.served.version", g.model(), ServedModel::servingVersion).tag("model", model)
                .description("the version classification answers with (behind the gate, it may lag kindling.model.version)").register(r);
        FunctionCounter.builder("kindling.guardrails.audit.failures", g, ModelGuard::auditFailures).tag("model", model)
                .description("audit records that could not be written (each logged at ERROR)").register(r);
        ValidationGate gate = g.gate();
        if (gate == null) {
            return;
        }
        Gauge.builder("kindling.guardrails.gate.held", gate, x -> x.held() ? 1 : 0).tag("model", model)
                .description("1 while the validation gate stops promotion (the last good version is served)").register(r);
        FunctionCounter.builder("kindling.guardrails.gate.promotions", gate, ValidationGate::promotions).tag("model", model).register(r);
        FunctionCounter.builder("kindling.guardrails.gate.holds", gate, ValidationGate::holds).tag("model", model)
                .description("judgements that kept a learned version from being served").register(r);
        Gauge.builder("kindling.guardrails.held-out.precision", gate, x -> score(x, true, true)).tag("model", model).tag("copy", "served")
                .description("held-out precision at 1 at the latest judgement").register(r);
        Gauge.builder("kindling.guardrails.held-out.precision", gate, x -> score(x, false, true)).tag("model", model).tag("copy", "candidate")
                .description("held-out precision at 1 at the latest judgement").register(r);
        Gauge.builder("kindling.guardrails.held-out.loss", gate, x -> score(x, true, false)).tag("model", model).tag("copy", "served")
                .description("held-out mean loss at the latest judgement").register(r);
        Gauge.builder("kindling.guardrails.held-out.loss", gate, x -> score(x, false, false)).tag("model", model).tag("copy", "candidate")
                .description("held-out mean loss at the latest judgement").register(r);
    }

    private static double score(ValidationGate gate, boolean served, boolean precision) {
        Judgement j = gate.lastJudgement();
        HeldOutScore s = j == null ? null : served ? j.served() : j.candidate();
        return s == null ? Double.NaN : precision ? s.precisionAt1() : s.loss();
    }

    @Override
    public void applied(ServedModel model, ServedModel.UpdateResult result, int queueDepth) {
        MeterRegistry r = registry;
        if (r != null) {
            r.counter("kindling.fine-tuning.examples", "model", model.name()).increment(result.examples());
        }
    }

    @Override
    public void classified(String model, Device device, int texts, long nanos, boolean fellBack) {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        latency(r, model, device.toString(), "success").record(nanos, TimeUnit.NANOSECONDS);
        r.summary("kindling.inference.batch.size", "model", model).record(texts);
        if (fellBack) {
            r.counter("kindling.inference.fallbacks", "model", model).increment();
        }
    }

    @Override
    public void failed(String model, int texts, long nanos, RuntimeException failure) {
        MeterRegistry r = registry;
        if (r != null) {
            latency(r, model, "none", outcome(failure)).record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    private static Timer latency(MeterRegistry r, String model, String device, String outcome) {
        return Timer.builder("kindling.inference.latency").tag("model", model).tag("device", device).tag("outcome", outcome)
                .description("classification calls, by outcome: success, client_error, busy, error").register(r);
    }

    /** The caller's mistake, a full device, or a failure of the service. */
    static String outcome(RuntimeException failure) {
        if (failure instanceof RetryLaterException) {
            return "busy";
        }
        return failure instanceof IllegalArgumentException ? "client_error" : "error";
    }
}
