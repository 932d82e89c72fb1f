package dev.kindling.spring.model;

import dev.kindling.spring.device.DeviceRouter;
import dev.kindling.spring.device.DeviceSelection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.ArrayList;
import java.util.List;

/**
 * Classifies texts with a named model on the best device that can take the work (see
 * {@link DeviceRouter}), timing each call and recording batch sizes and fallbacks.
 */
public final class ClassificationService {

    /** Largest batch of texts in one call. */
    public static final int MAX_BATCH = 1000;

    private final ModelRegistry models;
    private final DeviceRouter router;
    private final MeterRegistry meters;

    public ClassificationService(ModelRegistry models, DeviceRouter router, MeterRegistry meters) {
        this.models = models;
        this.router = router;
        this.meters = meters;
    }

    /** Top labels of one text; {@code k} null means the model's default. */
    public Classification classify(String model, String text, Integer k) {
        return classifyAll(model, List.of(text), k).get(0);
    }

    /** Top labels of each text, computed as one unit of device work. */
    public List<Classification> classifyAll(String model, List<String> texts, Integer k) {
        ServedModel m = models.get(model);
        if (texts == null || texts.isEmpty()) {
            throw new IllegalArgumentException("no text to classify");
        }
        if (texts.size() > MAX_BATCH) {
            throw new IllegalArgumentException(texts.size() + " texts in one request; the limit is " + MAX_BATCH);
        }
        for (String t : texts) {
            ServedModel.checkText(t);
        }
        int kk = k == null ? m.settings().getK() : k;
        long start = System.nanoTime();
        DeviceSelection preferred = DeviceSelection.parse(m.settings().getDevice());
        DeviceRouter.Routed<List<Classification>> r = router.execute(d -> preferred.includes(d) && m.hasReplicaOn(d), device -> () -> {
            List<Classification> out = new ArrayList<>(texts.size());
            for (String t : texts) {
                out.add(m.classify(t, kk, device.device().toString()));
            }
            return out;
        });
        if (meters != null) {
            Timer.builder("kindling.inference.latency").tag("model", m.name()).tag("device", r.device().device().device().toString())
                    .register(meters).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            meters.summary("kindling.inference.batch.size", "model", m.name()).record(texts.size());
            if (r.fellBack()) {
                meters.counter("kindling.inference.fallbacks", "model", m.name()).increment();
            }
        }
        return r.value();
    }
}
