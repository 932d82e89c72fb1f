package dev.kindling.spring.classifier;

import dev.kindling.core.serving.finetune.FineTuneJob;

import java.util.Collection;
import java.util.Set;

/** Every configured model's {@link Classifier}, by name (for code that picks the model at run time). */
public interface Classifiers {

    /**
     * The classifier of model {@code name}.
     *
     * @throws dev.kindling.core.serving.model.UnknownModelException when no such model is configured (its message lists them)
     */
    Classifier get(String name);

    /** The configured models' names, in configuration order. */
    Set<String> names();

    Collection<Classifier> all();

    /**
     * A fine-tuning job by id (also a finished one, while it is kept).
     *
     * @throws dev.kindling.core.serving.finetune.UnknownJobException when there is no such job
     */
    FineTuneJob job(String id);
}
