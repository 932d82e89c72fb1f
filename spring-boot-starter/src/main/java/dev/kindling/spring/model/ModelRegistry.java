package dev.kindling.spring.model;

import dev.kindling.core.io.CheckpointFormatException;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The configured models, loaded at start-up: each from its latest fine-tuning checkpoint when one
 * exists, else from {@code kindling.models.<name>.checkpoint}, else from a {@link ModelInitializer}.
 * Model files are verified by their checksums: a damaged (or missing) newest checkpoint falls back, with an
 * ERROR and a count ({@link #checkpointFallbacks}), to the previous kept checkpoint, else to the base model;
 * the fine-tuner then replays the log from there, so no acknowledged example is lost and none is applied twice.
 * {@link #swap} replaces a model with a new checkpoint without a restart.
 */
public final class ModelRegistry {

    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final Map<String, ServedModel> models = new LinkedHashMap<>();
    private final Map<String, CheckpointStore> stores = new LinkedHashMap<>();
    private final Map<String, Long> fallbacks = new ConcurrentHashMap<>();
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
        List<CheckpointStore.Snapshot> kept = settings.isFineTuning() ? store.kept() : List.of();
        ServedModel model = fromKeptCheckpoint(name, settings, store, kept);
        if (model == null) {
            model = fromBase(name, settings, initializers);
            if (!kept.isEmpty()) {
                // Versions never go back, though the model now holds fewer updates; the log replays them all.
                model.restore(0, 0, kept.getFirst().version(), Map.of());
            }
        }
        attachCache(model);
        return model;
    }

    /** The newest kept checkpoint that loads; null when there is none (or none loads and the base model may stand in). */
    private ServedModel fromKeptCheckpoint(String name, KindlingModelProperties.Model settings, CheckpointStore store,
                                           List<CheckpointStore.Snapshot> kept) throws IOException {
        for (int i = 0; i < kept.size(); i++) {
            CheckpointStore.Snapshot s = kept.get(i);
            TextClassifier loaded;
            try {
                loaded = TextClassifier.load(s.modelFile(), settings.getInputTable(), settings.mappedVerification());
            } catch (IOException | CheckpointFormatException e) {   // damaged, truncated or missing
                fallbacks.merge(name, 1L, Long::sum);
                store.markUnusable(s);
                log.error("model {}: checkpoint {} (log sequence {}) is unusable, falling back to {} and replaying the write-ahead log: {}",
                        name, s.modelFile(), s.walSequence(), i + 1 < kept.size() ? "the previous checkpoint " + kept.get(i + 1).modelFile()
                                : "the base model", e.getMessage());
                continue;
            }
            ServedModel model = new ServedModel(name, settings, checkType(name, settings, loaded));
            // Versions never go back, though a fallback holds fewer updates than the newest checkpoint (the log replays them).
            model.restore(s.walSequence(), s.examplesApplied(), Math.max(s.version(), kept.getFirst().version()), s.jobProgress());
            log.info("model {}: loaded fine-tuning checkpoint {} (log sequence {}, version {})", name, s.modelFile(), s.walSequence(),
                    s.version());
            return model;
        }
        if (!kept.isEmpty() && store.baseModelReplaced()) {
            throw new IOException("model '" + name + "': no kept checkpoint in " + store.directory() + " is usable (see the errors above),"
                    + " and a model swapped in since replaced the base model, so nothing holds its fine-tuning. Put back an intact"
                    + " checkpoint file, or delete " + store.directory() + " to start over from kindling.models." + name + ".checkpoint");
        }
        return null;
    }

    private ServedModel fromBase(String name, KindlingModelProperties.Model settings, List<ModelInitializer> initializers) throws IOException {
        ServedModel model;
        if (settings.getCheckpoint() != null && Files.exists(settings.getCheckpoint())) {
            model = new ServedModel(name, settings, checkType(name, settings, TextClassifier.load(settings.getCheckpoint(),
                    settings.getInputTable(), settings.mappedVerification())));
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

    /** The data directory: one sub-directory per model. */
    public Path dataRoot() {
        return dataRoot;
    }

    /** Where a model's write-ahead log and checkpoints live. */
    public Path dataDirectory(String name) {
        return dataRoot.resolve(name);
    }

    /** How often start-up found a kept checkpoint of {@code name} unusable and fell back to an older one (or the base model). */
    public long checkpointFallbacks(String name) {
        return fallbacks.getOrDefault(get(name).name(), 0L);
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
        TextClassifier next = checkType(name, m.settings(), TextClassifier.load(checkpoint, m.settings().getInputTable(),
                m.settings().mappedVerification()));
        long v = m.swap(next);
        attachCache(m);
        if (m.settings().isFineTuning()) {
            m.checkpoint(stores.get(name));
        }
        log.info("model {}: swapped in {} as version {}", name, checkpoint, v);
        return v;
    }
}
