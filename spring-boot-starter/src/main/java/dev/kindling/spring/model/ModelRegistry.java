package dev.kindling.spring.model;

import dev.kindling.core.fasttext.ModelFiles;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.spring.device.DeviceSelection;
import dev.kindling.spring.embedding.EmbeddingCaches;
import dev.kindling.spring.finetune.CheckpointStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The configured models, loaded at start-up: each from its latest fine-tuning checkpoint when one
 * exists, else from {@code kindling.models.<name>.checkpoint} (a Kindling model, or a fastText {@code .bin} /
 * {@code .ftz}, told apart by content), else from a {@link ModelInitializer}.
 * {@link #swap} replaces a model with a new checkpoint without a restart.
 */
public final class ModelRegistry {

    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final Map<String, ServedModel> models = new LinkedHashMap<>();
    private final Map<String, CheckpointStore> stores = new LinkedHashMap<>();
    private final Path dataRoot;
    private final EmbeddingCaches caches;

    public ModelRegistry(KindlingModelProperties properties, Path dataRoot, List<ModelInitializer> initializers,
                         EmbeddingCaches caches) {
        this.dataRoot = dataRoot;
        this.caches = caches;
        for (Map.Entry<String, KindlingModelProperties.Model> e : properties.getModels().entrySet()) {
            String name = e.getKey();
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("model name '" + name + "' must be 1-64 letters, digits, '.', '_' or '-'");
            }
            KindlingModelProperties.Model settings = e.getValue();
            DeviceSelection.parse(settings.getDevice());   // fail fast on a bad device name
            if (settings.getK() < 1 || settings.getK() > ServedModel.MAX_K) {
                throw new IllegalArgumentException("kindling.models." + name + ".k must be between 1 and " + ServedModel.MAX_K);
            }
            try {
                CheckpointStore store = new CheckpointStore(dataDirectory(name).resolve("checkpoints"));
                stores.put(name, store);
                models.put(name, load(name, settings, store, initializers));
            } catch (IOException ex) {
                throw new UncheckedIOException("could not load model '" + name + "': " + ex.getMessage(), ex);
            }
        }
    }

    private ServedModel load(String name, KindlingModelProperties.Model settings, CheckpointStore store,
                             List<ModelInitializer> initializers) throws IOException {
        Optional<CheckpointStore.Snapshot> snapshot = settings.isFineTuning() ? store.current() : Optional.empty();
        ServedModel model;
        if (snapshot.isPresent()) {
            CheckpointStore.Snapshot s = snapshot.get();
            model = new ServedModel(name, settings, checkType(name, settings, ModelFiles.load(s.modelFile(), settings.getInputTable())));
            model.restore(s.walSequence(), s.examplesApplied(), s.version(), s.jobProgress());
            log.info("model {}: loaded fine-tuning checkpoint {} (log sequence {}, version {})", name, s.modelFile(), s.walSequence(),
                    s.version());
        } else if (settings.getCheckpoint() != null && Files.exists(settings.getCheckpoint())) {
            model = new ServedModel(name, settings, checkType(name, settings, ModelFiles.load(settings.getCheckpoint(), settings.getInputTable())));
            log.info("model {}: loaded {}", name, settings.getCheckpoint());
        } else {
            TextClassifier created = null;
            for (ModelInitializer init : initializers) {
                created = init.create(name, settings).orElse(null);
                if (created != null) {
                    break;
                }
            }
            if (created == null) {
                throw new IOException("kindling.models." + name + ".checkpoint " + (settings.getCheckpoint() == null ? "is not set"
                        : "(" + settings.getCheckpoint() + ") does not exist") + " and no ModelInitializer created the model");
            }
            model = new ServedModel(name, settings, checkType(name, settings, created));
            log.info("model {}: created by an initializer ({})", name, created);
        }
        attachCache(model);
        return model;
    }

    private static TextClassifier checkType(String name, KindlingModelProperties.Model settings, TextClassifier c) {
        KindlingModelProperties.ClassifierType want = settings.getType();
        TrainingArgs.Loss loss = c.args().loss();
        if (want != KindlingModelProperties.ClassifierType.ANY && !want.name().equals(loss.name())) {
            throw new IllegalArgumentException("model '" + name + "' is configured as " + want + " but its checkpoint holds a " + loss
                    + " classifier");
        }
        return c;
    }

    private void attachCache(ServedModel model) {
        if (caches != null && caches.enabled()) {
            caches.remove(model.name());
            model.useRowCache(caches.forTable(model.name(), () -> model.classifier().inputTable()));
        }
    }

    public ServedModel get(String name) {
        ServedModel m = name == null ? null : models.get(name);
        if (m == null) {
            throw new UnknownModelException(name, models.keySet());
        }
        return m;
    }

    public Collection<ServedModel> all() {
        return Collections.unmodifiableCollection(models.values());
    }

    /** Where a model's write-ahead log and checkpoints live. */
    public Path dataDirectory(String name) {
        return dataRoot.resolve(name);
    }

    public CheckpointStore checkpointStore(String name) {
        get(name);
        return stores.get(name);
    }

    /**
     * Serves {@code checkpoint} as model {@code name} from now on (no restart) and makes it the model's
     * fine-tuning checkpoint, so a restart keeps it. Examples fine-tuned into the previous model are
     * superseded by the new one. Returns the new version.
     */
    public long swap(String name, Path checkpoint) throws IOException {
        ServedModel m = get(name);
        TextClassifier next = checkType(name, m.settings(), ModelFiles.load(checkpoint, m.settings().getInputTable()));
        long v = m.swap(next);
        attachCache(m);
        if (m.settings().isFineTuning()) {
            m.checkpoint(stores.get(name));
        }
        log.info("model {}: swapped in {} as version {}", name, checkpoint, v);
        return v;
    }
}
