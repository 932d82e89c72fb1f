package dev.kindling.core.serving;

import dev.kindling.core.serving.model.Classification;
import dev.kindling.core.serving.model.InvalidInputException;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.serving.finetune.PayloadTooLargeException;
import dev.kindling.core.serving.model.RequestLimits;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.serving.routing.InferenceRouter;
import dev.kindling.core.tensor.Device;

import java.util.List;

/**
 * Classifies texts with a named model on the best device that can take the work ({@link InferenceRouter}): an
 * accelerator the model has a replica on and its settings allow, else the CPU. One place for the request limits.
 */
public final class ClassificationService {

    /** Told about every classification call (metrics); implementations must be fast and must not throw. */
    public interface Observer {
        void classified(String model, Device device, int texts, long nanos, boolean fellBack);

        /** A call that failed after the model was found ({@code failure}: the caller's input, busy devices, no device). */
        default void failed(String model, int texts, long nanos, RuntimeException failure) {
        }
    }

    private final ModelRegistry models;
    private final InferenceRouter router;
    private final RequestLimits limits;
    private final Observer observer;

    /** @param observer told about each call; may be null */
    public ClassificationService(ModelRegistry models, InferenceRouter router, RequestLimits limits, Observer observer) {
        this.models = models;
        this.router = router;
        this.limits = limits;
        this.observer = observer;
    }

    public RequestLimits limits() {
        return limits;
    }

    /** Top labels of one text; {@code k} null means the model's default. */
    public Classification classify(String model, String text, Integer k) {
        return classifyAll(model, List.of(text), k).get(0);
    }

    /** Top labels of each text, computed as one unit of device work from one version of the model. */
    public List<Classification> classifyAll(String model, List<String> texts, Integer k) {
        ServedModel m = models.get(model);
        if (texts == null || texts.isEmpty()) {
            throw new InvalidInputException("no text to classify; expected at least one");
        }
        if (texts.size() > limits.maxTexts()) {
            throw new PayloadTooLargeException(texts.size() + " texts in one request; the limit is " + limits.maxTexts());
        }
        for (String t : texts) {
            if (t != null && t.length() > limits.maxTextChars()) {
                throw new PayloadTooLargeException("a text has " + t.length() + " characters; the limit is " + limits.maxTextChars());
            }
        }
        int kk = k == null ? m.settings().k() : k;
        long start = System.nanoTime();
        InferenceRouter.Routed<List<Classification>> r;
        try {
            r = router.execute(d -> m.settings().devices().includes(d) && m.hasReplicaOn(d), device -> () -> m.classifyAll(texts, kk, device));
        } catch (RuntimeException e) {
            if (observer != null) {
                observer.failed(m.name(), texts.size(), System.nanoTime() - start, e);
            }
            throw e;
        }
        if (observer != null) {
            observer.classified(m.name(), r.device(), texts.size(), System.nanoTime() - start, r.fellBack());
        }
        return r.value();
    }
}
