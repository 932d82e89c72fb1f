package dev.kindling.spring.classifier;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.finetune.FineTuneJob;
import dev.kindling.core.serving.finetune.UnknownJobException;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The {@link Classifiers} of a {@link ServingEngine}: one {@link EngineClassifier} per model. */
final class EngineClassifiers implements Classifiers {

    private final ServingEngine engine;
    private final Map<String, Classifier> byName;

    EngineClassifiers(ServingEngine engine, Map<String, Classifier> byName) {
        this.engine = engine;
        this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    }

    @Override
    public Classifier get(String name) {
        Classifier c = name == null ? null : byName.get(name);
        if (c == null) {
            engine.models().get(name);   // throws UnknownModelException listing the models
            throw new IllegalStateException("model '" + name + "' has no classifier");
        }
        return c;
    }

    @Override
    public Set<String> names() {
        return byName.keySet();
    }

    @Override
    public Collection<Classifier> all() {
        return byName.values();
    }

    @Override
    public FineTuneJob job(String id) {
        if (!engine.isFineTuning()) {
            throw new UnknownJobException(id);
        }
        return engine.job(id);
    }
}
