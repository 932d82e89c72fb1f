package dev.kindling.core.serving.model;

import dev.kindling.core.io.CheckpointFormatException;
import dev.kindling.core.fasttext.ModelFiles;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.core.serving.checkpoint.CheckpointStore;
import dev.kindling.core.serving.checkpoint.ContentHash;

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
import java.util.function.Function;

/**
 * The configured models, loaded at start-up: each from its latest fine-tuning checkpoint when one
 * exists, else from the settings' checkpoint file, else from a {@link ModelInitializer}. Each model's
 * {@link #provenance} says which, with SHA-256 hashes; a configured file that changed since the fine-tuned
 * checkpoints were made (its hash is recorded with them) is dealt with by the model's {@link BaseModelPolicy}.
 * Model files are verified by their checksums: a damaged (or missing) newest checkpoint falls back, with an
 * ERROR and a count ({@link #checkpointFallbacks}), to the previous kept checkpoint, else to the base model;
 * the fine-tuner then replays the log from there, so no acknowledged example is lost and none is applied twice.
 * {@link #swap} replaces a model with a new checkpoint without a restart.
 */
public final class ModelRegistry {

    private static final System.Logger log = System.getLogger(ModelRegistry.class.getName());

    private final Map<String, ServedModel> models = new LinkedHashMap<>();
    private final Map<String, CheckpointStore> stores = new LinkedHashMap<>();
    private final Map<String, Long> fallbacks = new ConcurrentHashMap<>();
    private final Map<String, ModelProvenance> provenances = new ConcurrentHashMap<>();
    /** While loading: the file a model was just loaded from (absent: an initializer created it). */
    private final Map<String, Path> loadedFrom = new ConcurrentHashMap<>();
    private final Path dataRoot;
    private final Function<ServedModel, RowCache> rowCaches;

    /**
     * Loads {@code models}, keeping each one's checkpoints under {@code dataRoot/<name>/checkpoints}.
     *
     * @param rowCaches makes the input-row cache of a model (called again after a swap); null for none
     */
    public ModelRegistry(List<ModelSettings> models, Path dataRoot, List<ModelInitializer> initializers,
                         Function<ServedModel, RowCache> rowCaches) {
        this.dataRoot = dataRoot;
        this.rowCaches = rowCaches;
        for (ModelSettings settings : models) {
            String name = settings.name();
            if (this.models.containsKey(name)) {
                throw new IllegalArgumentException("model '" + name + "' is configured twice");
            }
            try {
                CheckpointStore store = new CheckpointStore(dataDirectory(name).resolve("checkpoints"));
                stores.put(name, store);
                this.models.put(name, load(settings, store, initializers));
            } catch (IOException ex) {
                throw new UncheckedIOException("could not load model '" + name + "': " + ex.getMessage(), ex);
            }
        }
    }

    private ServedModel load(ModelSettings settings, CheckpointStore store, List<ModelInitializer> initializers) throws IOException {
        String name = settings.name();
        Path configured = settings.checkpoint();
        String configuredSha = hashIfFile(configured);
        List<CheckpointStore.Snapshot> kept = settings.fineTuning() ? store.kept() : List.of();
        String recorded = kept.isEmpty() ? null : store.recordedConfiguredSha256();
        boolean changed = recorded != null && configuredSha != null && !recorded.equals(configuredSha);
        boolean replace = false;
        if (changed) {
            switch (settings.baseModelPolicy()) {
                case FAIL -> throw new BaseModelChangedException(name, configured, recorded, configuredSha, store.directory());
                case KEEP_FINE_TUNED -> log.log(System.Logger.Level.WARNING, "model " + name + ": the configured file " + configured
                        + " changed since the fine-tuned checkpoints were made (SHA-256 then " + recorded + ", now " + configuredSha
                        + "); base-model policy KEEP_FINE_TUNED: serving the fine-tuned checkpoint, not the file");
                case REPLACE -> {
                    replace = true;
                    log.log(System.Logger.Level.WARNING, "model " + name + ": the configured file " + configured + " changed since the"
                            + " fine-tuned checkpoints were made (SHA-256 then " + recorded + ", now " + configuredSha + "); base-model"
                            + " policy REPLACE: serving the new file and re-applying the write-ahead log; what only the checkpoints"
                            + " held is dropped");
                }
            }
        }
        ServedModel model = replace ? null : fromKeptCheckpoint(name, settings, store, kept);
        ModelProvenance provenance;
        if (model != null) {
            Path file = loadedFrom.remove(name);
            String note = changed ? "the configured file changed; base-model policy KEEP_FINE_TUNED keeps the fine-tuned checkpoint"
                    : recorded == null && configuredSha != null ? "no configured-file hash was recorded with the checkpoints; recording the"
                    + " configured file's now" : "the newest usable fine-tuned checkpoint";
            provenance = new ModelProvenance(ModelProvenance.Source.FINE_TUNED_CHECKPOINT, file, ContentHash.sha256(file), configured,
                    configuredSha, recorded != null ? recorded : configuredSha, note);
            if (!changed) {
                store.recordConfiguredSha256(configuredSha);
            }
        } else {
            model = fromBase(settings, initializers);
            if (!kept.isEmpty()) {
                // Versions never go back, though the model now holds fewer updates; the log replays them all.
                model.restore(0, 0, kept.getFirst().version(), Map.of());
            }
            boolean created = loadedFrom.remove(name) == null;
            configuredSha = hashIfFile(configured);   // an initializer may have just written it
            String note = replace ? "the configured file replaced the fine-tuned checkpoints (base-model policy REPLACE); the write-ahead"
                    + " log is re-applied" : !kept.isEmpty() ? "no fine-tuned checkpoint was usable; the write-ahead log is re-applied"
                    : created ? "created by an initializer" : settings.fineTuning() ? "no fine-tuned checkpoint yet" : "fine-tuning is off";
            provenance = new ModelProvenance(created ? ModelProvenance.Source.INITIALIZER : ModelProvenance.Source.CONFIGURED_FILE,
                    created ? null : configured, created ? null : configuredSha, configured, configuredSha, configuredSha, note);
            if (replace) {
                model.replacedFineTunedCheckpoints();
                store.recordReplacement(configuredSha);
            } else {
                store.recordConfiguredSha256(configuredSha);
            }
        }
        provenances.put(name, provenance);
        warnIfSlowToLearnNewLabels(model);
        attachCache(model);
        return model;
    }

    private static String hashIfFile(Path file) throws IOException {
        return file != null && Files.isRegularFile(file) ? ContentHash.sha256(file) : null;
    }

    /**
     * fastText's binary tree ({@code -loss hs}) places a label by its training texts; a label first seen in feedback gets a
     * leaf far from its words and needs many examples (15 took one to 0.013), which surprises a user expecting online learning.
     */
    private static void warnIfSlowToLearnNewLabels(ServedModel model) {
        if (model.settings().fineTuning() && model.classifier().args().loss() == TrainingArgs.Loss.HS) {
            log.log(System.Logger.Level.WARNING, "model " + model.name() + " is a binary-tree model (-loss hs), which learns labels it"
                    + " first sees in feedback slowly; for online learning of new labels train it with -loss hsm (or -loss softmax)");
        }
    }

    /** The newest kept checkpoint that loads; null when there is none (or none loads and the base model may stand in). */
    private ServedModel fromKeptCheckpoint(String name, ModelSettings settings, CheckpointStore store,
                                           List<CheckpointStore.Snapshot> kept) throws IOException {
        for (int i = 0; i < kept.size(); i++) {
            CheckpointStore.Snapshot s = kept.get(i);
            TextClassifier loaded;
            try {
                loaded = ModelFiles.load(s.modelFile(), settings.inputTable(), settings.mappedVerification());
            } catch (IOException | CheckpointFormatException e) {   // damaged, truncated or missing
                fallbacks.merge(name, 1L, Long::sum);
                store.markUnusable(s);
                log.log(System.Logger.Level.ERROR, "model " + name + ": checkpoint " + s.modelFile() + " (log sequence " + s.walSequence()
                        + ") is unusable, falling back to " + (i + 1 < kept.size() ? "the previous checkpoint " + kept.get(i + 1).modelFile()
                        : "the base model") + " and replaying the write-ahead log: " + e.getMessage());
                continue;
            }
            ServedModel model = new ServedModel(name, settings, checkType(name, settings, loaded));
            // Versions never go back, though a fallback holds fewer updates than the newest checkpoint (the log replays them).
            model.restore(s.walSequence(), s.examplesApplied(), Math.max(s.version(), kept.getFirst().version()), s.jobProgress());
            loadedFrom.put(name, s.modelFile());
            log.log(System.Logger.Level.INFO, "model " + name + ": loaded fine-tuning checkpoint " + s.modelFile() + " (log sequence "
                    + s.walSequence() + ", version " + s.version() + ")");
            return model;
        }
        if (!kept.isEmpty() && store.baseModelReplaced()) {
            throw new IOException("model '" + name + "': no kept checkpoint in " + store.directory() + " is usable (see the errors above),"
                    + " and a model swapped in since replaced the base model, so nothing holds its fine-tuning. Put back an intact"
                    + " checkpoint file, or delete " + store.directory() + " to start over from the model's configured checkpoint file");
        }
        return null;
    }

    private ServedModel fromBase(ModelSettings settings, List<ModelInitializer> initializers) throws IOException {
        String name = settings.name();
        ServedModel model;
        if (settings.checkpoint() != null && Files.exists(settings.checkpoint())) {
            model = new ServedModel(name, settings, checkType(name, settings, ModelFiles.load(settings.checkpoint(),
                    settings.inputTable(), settings.mappedVerification())));
            loadedFrom.put(name, settings.checkpoint());
            log.log(System.Logger.Level.INFO, "model " + name + ": loaded " + settings.checkpoint());
        } else {
            TextClassifier created = null;
            for (ModelInitializer init : initializers) {
                created = init.create(name, settings).orElse(null);
                if (created != null) {
                    break;
                }
            }
            if (created == null) {
                throw new IOException("the checkpoint file of model '" + name + "' " + (settings.checkpoint() == null ? "is not set"
                        : "(" + settings.checkpoint() + ") does not exist") + " and no ModelInitializer created the model");
            }
            model = new ServedModel(name, settings, checkType(name, settings, created));
            log.log(System.Logger.Level.INFO, "model " + name + ": created by an initializer (" + created + ")");
        }
        return model;
    }

    private static TextClassifier checkType(String name, ModelSettings settings, TextClassifier c) {
        ClassifierType want = settings.type();
        TrainingArgs.Loss loss = c.args().loss();
        if (!want.admits(loss)) {
            throw new IllegalArgumentException("model '" + name + "' is configured as " + want + " but its checkpoint holds a " + loss
                    + " classifier");
        }
        return c;
    }

    private void attachCache(ServedModel model) {
        if (rowCaches != null) {
            model.useRowCache(rowCaches.apply(model));
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

    /** Where model {@code name} came from: the file and its SHA-256, and the configured file's (see {@link ModelProvenance}). */
    public ModelProvenance provenance(String name) {
        return provenances.get(get(name).name());
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
        TextClassifier next = checkType(name, m.settings(), ModelFiles.load(checkpoint, m.settings().inputTable(),
                m.settings().mappedVerification()));
        String sha = ContentHash.sha256(checkpoint);
        long v = m.swap(next);
        attachCache(m);
        ModelProvenance before = provenances.get(name);
        provenances.put(name, new ModelProvenance(ModelProvenance.Source.SWAPPED_IN, checkpoint, sha, before.configuredFile(),
                before.configuredSha256(), before.baseSha256(), "swapped in while serving, as version " + v));
        if (m.settings().fineTuning()) {
            m.checkpoint(stores.get(name));
        }
        log.log(System.Logger.Level.INFO, "model " + name + ": swapped in " + checkpoint + " as version " + v);
        return v;
    }
}
