package dev.kindling.spring.classifier;

import dev.kindling.core.serving.finetune.FineTuneJob;
import dev.kindling.core.serving.guard.RequestOrigin;
import dev.kindling.core.serving.model.Classification;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One served model, as an application uses it: classify texts, send feedback, start fine-tuning jobs. The starter
 * registers one per {@code kindling.models.<name>}, injectable by qualifier ({@code @Qualifier("<name>") Classifier});
 * {@link Classifiers} looks them up by name. The engine's internals (updates, swaps, checkpoints) are not here: they
 * stay with the engine ({@code ServingEngine}), which the starter exposes for operations.
 *
 * <p>Errors: {@link dev.kindling.core.serving.model.InvalidInputException} for a blank or malformed text, a label the
 * model could not learn or a k out of range (400 in a web app); {@link dev.kindling.core.serving.finetune.PayloadTooLargeException}
 * beyond {@code kindling.request-limits} (413); {@link dev.kindling.core.serving.routing.RetryLaterException} when
 * devices or the fine-tuning queue are full (429); {@link dev.kindling.core.serving.finetune.FineTuningDisabledException}
 * for feedback to a model that does not learn (409). The starter's problem-details advice maps them.
 */
public interface Classifier {

    /** The model's name (its key under {@code kindling.models}). */
    String name();

    /** Top labels of {@code text}: the model's default k, and labels at or above its threshold. */
    Classification classify(String text);

    /** Top {@code k} labels of {@code text}, at or above the model's threshold. */
    Classification classify(String text, int k);

    /** Top {@code k} labels of {@code text} with a probability of at least {@code threshold} (0 to 1). */
    Classification classify(String text, int k, float threshold);

    /** Top labels of each text (the model's default k and threshold), all from one version of the model. */
    List<Classification> classifyAll(List<String> texts);

    /** Top {@code k} labels of each text with a probability of at least {@code threshold}, from one version of the model. */
    List<Classification> classifyAll(List<String> texts, int k, float threshold);

    /**
     * Teaches the model that {@code text} has {@code label} (and {@code moreLabels}); a label may be new. The text and labels
     * are checked at once (an error is thrown here); the returned future completes once the example is durably logged
     * (acknowledged: it will be learned whatever happens to the process), and its receipt's {@link FeedbackReceipt#applied()}
     * once the model has learned it.
     */
    CompletableFuture<FeedbackReceipt> feedback(String text, String label, String... moreLabels);

    /** {@link #feedback(String, String, String...)} with the labels as a collection. */
    CompletableFuture<FeedbackReceipt> feedback(String text, Collection<String> labels);

    /**
     * {@link #feedback(String, Collection)} on behalf of {@code origin} (who and from where, for the model's audit trail). The
     * model's label policy is checked here: a refused label throws a {@link dev.kindling.core.serving.guard.LabelRefusedException}
     * naming the rule, and nothing is logged.
     */
    CompletableFuture<FeedbackReceipt> feedback(String text, Collection<String> labels, RequestOrigin origin);

    /**
     * Starts a fine-tuning job over fastText-format lines ({@code __label__x some text}); returns once the job is stored
     * durably (it then runs to its end even across restarts). Its {@link FineTuneJob#whenEnded()} completes at its end.
     */
    FineTuneJob startJob(InputStream lines) throws IOException;

    /** {@link #startJob(InputStream)} on behalf of {@code origin} (audited as theirs). */
    FineTuneJob startJob(InputStream lines, RequestOrigin origin) throws IOException;

    /** The model now: version, labels, kind, fine-tuning, provenance. */
    ModelInfo info();
}
