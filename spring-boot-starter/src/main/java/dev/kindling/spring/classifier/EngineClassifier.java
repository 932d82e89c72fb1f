package dev.kindling.spring.classifier;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.finetune.FineTuneJob;
import dev.kindling.core.serving.guard.LabelAdmission;
import dev.kindling.core.serving.guard.RequestOrigin;
import dev.kindling.core.serving.finetune.FineTuningDisabledException;
import dev.kindling.core.serving.model.Classification;
import dev.kindling.core.serving.model.InvalidInputException;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.tensor.Device;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The {@link Classifier} of one model of a {@link ServingEngine}: classification filtered by a threshold, feedback appended
 * on a task executor, each call an {@link Observation} ({@code kindling.classify}, {@code kindling.feedback},
 * {@code kindling.fine-tuning.job} from a job's acceptance to its end).
 */
final class EngineClassifier implements Classifier {

    static final String CLASSIFY = "kindling.classify";
    static final String FEEDBACK = "kindling.feedback";
    static final String JOB = "kindling.fine-tuning.job";

    private final ServingEngine engine;
    private final String name;
    private final float defaultThreshold;
    private final ObservationRegistry observations;
    private final Executor executor;

    EngineClassifier(ServingEngine engine, String name, float defaultThreshold, ObservationRegistry observations, Executor executor) {
        this.engine = engine;
        this.name = name;
        this.defaultThreshold = defaultThreshold;
        this.observations = observations;
        this.executor = executor;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Classification classify(String text) {
        return classifyAll(List.of(text), null, defaultThreshold).getFirst();
    }

    @Override
    public Classification classify(String text, int k) {
        return classifyAll(List.of(text), k, defaultThreshold).getFirst();
    }

    @Override
    public Classification classify(String text, int k, float threshold) {
        return classifyAll(List.of(text), k, threshold).getFirst();
    }

    @Override
    public List<Classification> classifyAll(List<String> texts) {
        return classifyAll(texts, null, defaultThreshold);
    }

    @Override
    public List<Classification> classifyAll(List<String> texts, int k, float threshold) {
        return classifyAll(texts, (Integer) k, threshold);
    }

    private List<Classification> classifyAll(List<String> texts, Integer k, float threshold) {
        if (!(threshold >= 0f && threshold <= 1f)) {
            throw new InvalidInputException("threshold must be a probability between 0 and 1, got " + threshold);
        }
        return observation(CLASSIFY).highCardinalityKeyValue("kindling.texts", String.valueOf(texts == null ? 0 : texts.size()))
                .observe(() -> {
                    List<Classification> all = engine.classifyAll(name, texts, k);
                    return threshold == 0f ? all : all.stream().map(c -> atLeast(c, threshold)).toList();
                });
    }

    private static Classification atLeast(Classification c, float threshold) {
        return new Classification(c.model(), c.version(), c.device(), c.labels().stream().filter(l -> l.probability() >= threshold).toList());
    }

    @Override
    public CompletableFuture<FeedbackReceipt> feedback(String text, String label, String... moreLabels) {
        List<String> labels = new ArrayList<>(1 + moreLabels.length);
        labels.add(label);
        labels.addAll(List.of(moreLabels));
        return feedback(text, labels);
    }

    @Override
    public CompletableFuture<FeedbackReceipt> feedback(String text, Collection<String> labels) {
        return feedback(text, labels, RequestOrigin.LOCAL);
    }

    @Override
    public CompletableFuture<FeedbackReceipt> feedback(String text, Collection<String> labels, RequestOrigin origin) {
        // Checked in the caller's thread: a bad example is the caller's error, not a failed future.
        LabelledExample example = new LabelledExample(text, labels == null ? null : new ArrayList<>(labels));
        if (!engine.isFineTuning() || !engine.model(name).settings().fineTuning()) {
            throw new FineTuningDisabledException("model '" + name + "' does not accept feedback (kindling.fine-tuning.enabled or"
                    + " kindling.models." + name + ".fine-tuning is false)");
        }
        // The label policy too: a refused label is thrown here, not from the future.
        LabelAdmission admitted = engine.admitFeedback(name, example);
        // The append runs on another thread: its observation is made a child of the caller's (the request's) explicitly.
        Observation caller = observations.getCurrentObservation();
        try {
            return CompletableFuture.supplyAsync(() -> observation(FEEDBACK).parentObservation(caller).observe(() -> {
                ServingEngine.Acknowledgement ack = engine.feedback(name, example, origin, admitted);
                return new FeedbackReceipt(ack.model(), ack.sequence(), ack.applied());
            }), executor);
        } catch (RuntimeException e) {   // the executor refused the task: nothing will be logged
            if (admitted != null) {
                admitted.release();
            }
            throw e;
        }
    }

    @Override
    public FineTuneJob startJob(InputStream lines) throws IOException {
        return startJob(lines, RequestOrigin.LOCAL);
    }

    @Override
    public FineTuneJob startJob(InputStream lines, RequestOrigin origin) throws IOException {
        Observation job = observation(JOB).start();
        try {
            FineTuneJob started = engine.startJob(name, lines, origin);
            job.highCardinalityKeyValue("kindling.job", started.id());
            started.whenEnded().whenComplete((status, failure) -> {
                job.lowCardinalityKeyValue("kindling.job.state", status != null ? status.state().name() : "UNKNOWN");
                if (status != null && status.error() != null) {
                    job.error(new IllegalStateException(status.error()));
                }
                job.stop();
            });
            return started;
        } catch (IOException | RuntimeException e) {
            job.error(e);
            job.stop();
            throw e;
        }
    }

    @Override
    public ModelInfo info() {
        ServedModel m = engine.model(name);
        List<String> devices = new ArrayList<>();
        for (Device d : engine.router().devices()) {
            if (m.hasReplicaOn(d)) {
                devices.add(d.toString());
            }
        }
        return new ModelInfo(m.name(), m.servingVersion(), m.labelCount(), m.labelPrefix(), m.classifier().args().loss().flag(),
                m.settings().fineTuning() && engine.isFineTuning(), m.examplesApplied(), devices, engine.models().provenance(name));
    }

    private Observation observation(String observationName) {
        return Observation.createNotStarted(observationName, observations).lowCardinalityKeyValue("kindling.model", name);
    }

    @Override
    public String toString() {
        return "Classifier(" + name + ")";
    }
}
