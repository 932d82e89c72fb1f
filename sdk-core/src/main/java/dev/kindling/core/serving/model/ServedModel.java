package dev.kindling.core.serving.model;

import dev.kindling.core.hsm.TopK;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.text.OnlineTrainer;
import dev.kindling.core.text.ModelDelta;
import dev.kindling.core.text.ModelDigest;
import dev.kindling.core.text.StagedUpdate;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.TextRules;
import dev.kindling.core.text.ClassifierReplica;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.text.Tokenizer;
import dev.kindling.core.serving.checkpoint.CheckpointStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One classifier being served and fine-tuned at the same time. Classification holds the read lock,
 * fine-tuning updates the write lock, checkpoint snapshots only a lock that excludes updates, so a result is always
 * computed from one consistent version (no torn rows), and a snapshot contains exactly the updates up
 * to the log sequence it records. Versions increase with every applied update or swap.
 */
public final class ServedModel {

    /** What one fine-tuning update did. */
    public record UpdateResult(long version, double meanLoss, int examples, int labelsAdded) {
    }

    private final String name;
    private final ModelSettings settings;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /**
     * Held by everything that changes the model (updates, swaps, restores) and by checkpoints. A checkpoint
     * excludes changes with this lock alone: were it to hold the read lock, the next update's queued write
     * lock request would block every classification until the checkpoint file was written.
     */
    private final ReentrantLock mutation = new ReentrantLock();
    private final AtomicLong version = new AtomicLong(1);
    private volatile TextClassifier classifier;
    private volatile RowCache rowCache;
    /** Copies of the model on accelerators that serve it (the CPU serves from the classifier itself). */
    private volatile Map<Device, ClassifierReplica> replicas = Map.of();
    private volatile long appliedSequence;
    /** Signals waiters once a sequence is applied; raised after the locks are released, never inside them. */
    private final AppliedSequence applied = new AppliedSequence();
    /** The version a {@link #swap} published (0: none since start): checkpoints from before it hold another model. */
    private volatile long swappedAtVersion;
    private volatile long examplesApplied;
    /**
     * Per unfinished batch job, the highest index of its examples in the model. Changed only with the
     * updates that apply those examples (under {@link #mutation}), so a checkpoint records it consistently
     * with the parameters: a job resumes after exactly what the restored model holds.
     */
    private final Map<String, Long> jobProgress = new ConcurrentHashMap<>();
    /** Told each round's {@link ModelDelta}, in order (a fleet's trainer ships them to the other replicas); null: none. */
    private volatile Consumer<ModelDelta> deltaListener;
    /**
     * Null while the learned copy is served itself (every round is served at once); else the copy classification reads,
     * which lags the learned copy until a validation gate {@link #promote promotes} what was learned since.
     */
    private volatile ServingCopy lag;
    /**
     * Signals waiters once a sequence is settled: learned and, with a serving copy, judged for serving (promoted or held
     * back). Without a serving copy it follows {@link #applied}.
     */
    private final AppliedSequence settled = new AppliedSequence();
    /** Runs between a staged round's training and its publish (tests pause there to show classification goes on). */
    private volatile Runnable afterStaging = () -> {
    };
    /** Runs inside a round's publish (tests pause there: with a serving copy, classification goes on even then). */
    private volatile Runnable whilePublishing = () -> {
    };
    /** The digest of the latest version asked for (computed lazily, once per version). */
    private volatile VersionDigest digest;

    public ServedModel(String name, ModelSettings settings, TextClassifier classifier) {
        this.name = name;
        this.settings = settings;
        this.classifier = classifier;
    }

    public String name() {
        return name;
    }

    public ModelSettings settings() {
        return settings;
    }

    public long version() {
        return version.get();
    }

    public int labelCount() {
        return classifier.dictionary().labelCount();
    }

    public String labelPrefix() {
        return classifier.dictionary().labelPrefix();
    }

    /** The last write-ahead-log sequence whose example is in the model. */
    public long appliedSequence() {
        return appliedSequence;
    }

    /** The completion signals of the log sequences this model applies (futures and waits, no polling). */
    public AppliedSequence applied() {
        return applied;
    }

    /**
     * The completion signals of log sequences that are settled: learned and, where a serving copy lags the learned one,
     * judged for serving (served, unless a validation gate held the version back). Without a serving copy, the same
     * as {@link #applied()}.
     */
    public AppliedSequence settled() {
        return settled;
    }

    /** Fails everyone waiting for a sequence to be applied or settled (fine-tuning stopped). */
    public void failWaiters(Throwable cause) {
        applied.failWaiters(cause);
        settled.failWaiters(cause);
    }

    /** Examples applied since the model was created (persisted in checkpoints). */
    public long examplesApplied() {
        return examplesApplied;
    }

    /** The highest index of batch job {@code jobId}'s examples in the model, or -1 when it holds none (or forgot the job). */
    public long jobProgress(String jobId) {
        return jobProgress.getOrDefault(jobId, -1L);
    }

    /** The jobs whose progress the model tracks. */
    public Set<String> jobsInProgress() {
        return Set.copyOf(jobProgress.keySet());
    }

    /**
     * Stops tracking a job (it finished and its outcome is recorded elsewhere); later checkpoints leave it out.
     */
    public void forgetJobProgress(String jobId) {
        mutation.lock();
        try {
            jobProgress.remove(jobId);
        } finally {
            mutation.unlock();
        }
    }

    /** The learned classifier: the one trained and checkpointed (for read-only inspection; do not train it directly). */
    public TextClassifier classifier() {
        return classifier;
    }

    /** The classifier classification reads: the learned one, or the serving copy that lags it behind a validation gate. */
    public TextClassifier servingClassifier() {
        ServingCopy s = lag;
        return s == null ? classifier : s.classifier;
    }

    /** The version classification answers with (the learned version, unless a serving copy lags it). */
    public long servingVersion() {
        ServingCopy s = lag;
        return s == null ? version.get() : s.state.version();
    }

    /** Whether a serving copy lags the learned copy (a validation gate decides what is served). */
    public boolean servesSeparateCopy() {
        return lag != null;
    }

    /** The learned copy's counters, all of one instant. */
    public ModelState state() {
        mutation.lock();
        try {
            return learnedState();
        } finally {
            mutation.unlock();
        }
    }

    private ModelState learnedState() {
        return new ModelState(version.get(), appliedSequence, examplesApplied, Map.copyOf(jobProgress));
    }

    /** The served copy's counters (the learned copy's without a serving copy). */
    public ModelState servingState() {
        mutation.lock();
        try {
            ServingCopy s = lag;
            return s == null ? learnedState() : s.state;
        } finally {
            mutation.unlock();
        }
    }

    /** Floats of the rounds waiting for promotion in a serving copy's deltas (0 without one). */
    public long pendingDeltaFloats() {
        ServingCopy s = lag;
        return s == null ? 0 : s.pendingFloats();
    }

    /** Whether this model can be served on {@code device}: the CPU always, an accelerator once it has a replica there. */
    public boolean hasReplicaOn(Device device) {
        return device.isCpu() || replicas.containsKey(device);
    }

    /** The accelerators this model has a replica on. */
    public Set<Device> replicaDevices() {
        return replicas.keySet();
    }

    /**
     * Puts a copy of the model's tables on {@code device} (an accelerator) so that classifications routed there
     * run there; updates and swaps keep it current. Fails (and serving stays on the CPU) where the model kind has
     * no device kernels ({@code -loss hs}) or the copy cannot be made.
     */
    public void addReplica(Device device) {
        if (device.isCpu()) {
            throw new IllegalArgumentException("the CPU serves from the model itself; replicas are for accelerators, got " + device);
        }
        mutation.lock();
        lock.writeLock().lock();
        try {
            Map<Device, ClassifierReplica> next = new LinkedHashMap<>(replicas);
            next.put(device, ClassifierReplica.of(classifier, device));
            replicas = Map.copyOf(next);
        } finally {
            lock.writeLock().unlock();
            mutation.unlock();
        }
    }

    /** Serve input-table rows through {@code cache} (null: read the table directly). */
    public void useRowCache(RowCache cache) {
        this.rowCache = cache;
    }

    /** The top-{@code k} labels of {@code text}, computed on the CPU. */
    public Classification classify(String text, int k) {
        return classifyAll(List.of(text), k, Device.CPU).get(0);
    }

    /**
     * The top-{@code k} labels of each text, computed on {@code device} (the CPU, or an accelerator this model
     * has a replica on), all from one version of the model.
     */
    public List<Classification> classifyAll(List<String> texts, int k, Device device) {
        if (k < 1 || k > ModelSettings.MAX_K) {
            throw new InvalidInputException("k must be between 1 and " + ModelSettings.MAX_K + ", got " + k);
        }
        List<List<String>> tokenized = new ArrayList<>(texts.size());
        for (String t : texts) {
            checkText(t);
            tokenized.add(Tokenizer.tokens(t));
        }
        lock.readLock().lock();
        try {
            ServingCopy s = lag;
            TextClassifier c = s == null ? classifier : s.classifier;
            List<TopK> tops;
            if (device.isCpu()) {
                RowCache cache = rowCache;
                tops = c.predictIds(tokenized, k, cache != null ? cache : c.inputRows());
            } else {
                ClassifierReplica replica = replicas.get(device);
                if (replica == null) {
                    throw new IllegalStateException("model '" + name + "' has no replica on " + device);
                }
                tops = replica.predictIds(tokenized, k);
            }
            long v = s == null ? version.get() : s.state.version();
            List<Classification> out = new ArrayList<>(tops.size());
            for (TopK top : tops) {
                List<Classification.LabelScore> labels = new ArrayList<>(top.size());
                for (int i = 0; i < top.size(); i++) {
                    labels.add(new Classification.LabelScore(c.labelName(top.classes()[i]), (float) Math.exp(top.logProbs()[i])));
                }
                out.add(new Classification(name, v, device.toString(), labels));
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Trains {@code examples} (in log order, the last with sequence {@code lastSequence}) and publishes a
     * new version. Not thread-safe against itself: one fine-tuning loop per model calls it.
     */
    public UpdateResult update(List<LabelledExample> examples, float lr, long lastSequence) {
        return update(examples, lr, lastSequence, Map.of());
    }

    /**
     * {@link #update(List, float, long)} for examples of which some come from batch jobs: {@code jobMarks}
     * maps each such job to the highest index of its examples in this batch, recorded with the update.
     */
    public UpdateResult update(List<LabelledExample> examples, float lr, long lastSequence, Map<String, Long> jobMarks) {
        List<List<String>> tokens = new ArrayList<>(examples.size());
        List<List<String>> labels = new ArrayList<>(examples.size());
        String prefix = labelPrefix();
        for (LabelledExample e : examples) {
            tokens.add(Tokenizer.tokens(e.text()).stream().filter(t -> !t.startsWith(prefix)).toList());
            labels.add(e.labels().stream().map(l -> prefix + l).toList());
        }
        mutation.lock();
        try {
            // Trained on private copies of the rows it touches: classification goes on meanwhile and never waits for
            // a training step, only for the publish below (a few row copies). Kinds that cannot stage train in place.
            TextClassifier c = classifier;
            StagedUpdate staged = OnlineTrainer.stage(c, tokens, labels, lr);
            afterStaging.run();
            UpdateResult result;
            ServingCopy s = lag;
            // With a serving copy, classification never reads the learned copy, so its publish takes no readers' lock:
            // readers meet the write lock only when a promotion writes into the copy they read (every validate-every
            // examples), not every round. (lag is set under mutation, which this holds, and never unset.)
            boolean readersWait = s == null;
            if (readersWait) {
                lock.writeLock().lock();
            }
            try {
                OnlineTrainer.Result r = staged != null ? staged.publish() : OnlineTrainer.train(c, tokens, labels, lr);
                whilePublishing.run();
                appliedSequence = Math.max(appliedSequence, lastSequence);
                examplesApplied += examples.size();
                jobMarks.forEach((job, index) -> jobProgress.merge(job, index, Math::max));
                long v = version.incrementAndGet();
                if (s == null) {   // a serving copy takes the changed rows when it is promoted, not now
                    RowCache cache = rowCache;
                    if (cache != null) {
                        cache.rowsUpdated(r.touchedRows());
                    }
                    for (ClassifierReplica replica : replicas.values()) {
                        replica.refresh(r);
                    }
                }
                result = new UpdateResult(v, r.meanLoss(), examples.size(), r.labelsAdded());
            } finally {
                if (readersWait) {
                    lock.writeLock().unlock();
                }
            }
            Consumer<ModelDelta> listener = deltaListener;
            ModelDelta delta = staged != null && (listener != null || s != null) ? staged.delta() : null;
            if (s != null) {
                if (delta != null) {
                    s.add(delta);
                } else {
                    s.needFullCopy();
                }
            }
            if (listener != null) {
                // Still under the mutation lock, so listeners see rounds in their order; readers are not held off.
                if (staged == null) {
                    throw new IllegalStateException("model '" + name + "' (-loss " + c.args().loss().flag()
                            + ") trains in place and has no deltas to ship; a fleet needs an -loss hsm or softmax model");
                }
                listener.accept(delta);
            }
            return result;
        } finally {
            mutation.unlock();
            signalApplied();
        }
    }

    /** Learned: waiters on {@link #applied} wake; those on {@link #settled} too unless a serving copy waits for promotion. */
    private void signalApplied() {
        long at = appliedSequence;
        applied.signal(at);
        if (lag == null) {
            settled.signal(at);
        }
    }

    /**
     * Sends every later round's {@link ModelDelta} to {@code listener} (null: none), in order, after the round is
     * published here: how a fleet's trainer learns once for all replicas.
     */
    public void onDelta(Consumer<ModelDelta> listener) {
        this.deltaListener = listener;
    }

    /**
     * Applies a round another copy of this model learned ({@link #onDelta} there), as the round at log position
     * {@code lastSequence}: structure first (invisible to prediction), then the rows in one short step readers are
     * held off for; a new version, the row cache and device replicas follow. The model must be at the delta's base
     * version (see {@link ModelDelta#applyTo}).
     */
    public UpdateResult applyDelta(ModelDelta delta, int examples, long lastSequence, Map<String, Long> jobMarks) {
        mutation.lock();
        try {
            TextClassifier c = classifier;
            int labelsBefore = c.dictionary().labelCount();
            delta.addStructure(c);   // invisible to prediction: readers go on
            ServingCopy s = lag;
            if (s != null) {
                s.add(delta);
            }
            boolean readersWait = s == null;   // as in update: with a serving copy, readers do not read what is written here
            if (readersWait) {
                lock.writeLock().lock();
            }
            try {
                delta.writeRows(c);
                appliedSequence = Math.max(appliedSequence, lastSequence);
                examplesApplied += examples;
                jobMarks.forEach((job, index) -> jobProgress.merge(job, index, Math::max));
                long v = version.incrementAndGet();
                if (s == null) {   // a serving copy takes these rows at its promotion
                    int[] inputRows = delta.patches().stream().filter(p -> p.table().equals(ModelDelta.INPUT_TABLE))
                            .flatMapToInt(p -> Arrays.stream(p.rows())).distinct().sorted().toArray();
                    int[] classRows = delta.patches().stream().filter(p -> p.table().equals(dev.kindling.core.hsm.HierarchicalSoftmax.CLASS_WEIGHT))
                            .flatMapToInt(p -> Arrays.stream(p.rows())).distinct().sorted().toArray();
                    RowCache cache = rowCache;
                    if (cache != null) {
                        cache.rowsUpdated(inputRows);
                    }
                    for (ClassifierReplica replica : replicas.values()) {
                        replica.refresh(inputRows, classRows);
                    }
                }
                return new UpdateResult(v, Double.NaN, examples, c.dictionary().labelCount() - labelsBefore);
            } finally {
                if (readersWait) {
                    lock.writeLock().unlock();
                }
            }
        } finally {
            mutation.unlock();
            signalApplied();
        }
    }

    /**
     * Records that the log up to {@code sequence} is dealt with although its record trained nothing (it
     * was set aside), together with the job progress it carries, so that neither the next replay nor a
     * waiting job comes back to it. Publishes no new version: the parameters did not change.
     */
    public void skip(long sequence, Map<String, Long> jobMarks) {
        mutation.lock();
        try {
            appliedSequence = Math.max(appliedSequence, sequence);
            jobMarks.forEach((job, index) -> jobProgress.merge(job, index, Math::max));
        } finally {
            mutation.unlock();
            signalApplied();
        }
    }

    /** Restores counters from a checkpoint (startup). */
    public void restore(long sequence, long examples, long fromVersion) {
        restore(sequence, examples, fromVersion, Map.of());
    }

    /** Restores counters and job progress from a checkpoint (startup). */
    public void restore(long sequence, long examples, long fromVersion, Map<String, Long> jobs) {
        mutation.lock();
        lock.writeLock().lock();
        try {
            appliedSequence = sequence;
            examplesApplied = examples;
            jobProgress.clear();
            jobProgress.putAll(jobs);
            version.set(Math.max(1, fromVersion));
        } finally {
            lock.writeLock().unlock();
            mutation.unlock();
            signalApplied();
        }
    }

    /** Replaces the classifier (a new checkpoint), publishing a new version. */
    public long swap(TextClassifier next) {
        mutation.lock();
        try {
            // The new model's device copies are made before readers are held off: the swap itself is a few references. A
            // serving copy gets a copy of the new model: a swap is the operator's decision, served at once.
            ServingCopy s = lag;
            TextClassifier served = s == null ? next : s.copier.apply(next);
            Map<Device, ClassifierReplica> nextReplicas = replicasOf(served);
            lock.writeLock().lock();
            try {
                classifier = next;
                installReplicas(nextReplicas);
                long v = version.incrementAndGet();
                swappedAtVersion = v;
                if (s != null) {
                    s.classifier = served;
                    s.state = learnedState();
                    s.clearPending();
                }
                return v;
            } finally {
                lock.writeLock().unlock();
            }
        } finally {
            mutation.unlock();
        }
    }

    /**
     * Records that the configured file replaced the fine-tuned checkpoints at start ({@link BaseModelPolicy#REPLACE}):
     * publishes a new version and, as after a swap, checkpoints from before it hold another model and are no fallback.
     */
    public void replacedFineTunedCheckpoints() {
        mutation.lock();
        try {
            swappedAtVersion = version.incrementAndGet();
        } finally {
            mutation.unlock();
        }
    }

    /** Installs replicas built for a new serving model and drops cached rows of the old one; the caller holds the write lock. */
    private void installReplicas(Map<Device, ClassifierReplica> next) {
        replicas = Map.copyOf(next);
        RowCache cache = rowCache;
        if (cache != null) {
            cache.invalidateAll();
        }
    }

    private Map<Device, ClassifierReplica> replicasOf(TextClassifier source) {
        Map<Device, ClassifierReplica> next = new LinkedHashMap<>();
        for (Device d : replicas.keySet()) {
            next.put(d, ClassifierReplica.of(source, d));
        }
        return next;
    }

    /**
     * From now on classification reads a separate serving copy that lags the learned copy until {@link #promote}: what
     * a validation gate needs. {@code served} (with the counters {@code servedState} that describe it) is the copy to serve,
     * e.g. a kept version loaded at start; null serves a copy of the learned model as it is now. {@code equalsLearned} says
     * that {@code served} holds exactly the learned parameters (so later rounds' deltas lead from it to the learned copy);
     * otherwise the first promotion copies the learned model whole. {@code copier} makes independent copies (for full
     * promotions and swaps); {@code maxPendingFloats} bounds the deltas kept for the next promotion (beyond it the promotion
     * copies the model whole). Replicas and the row cache follow the serving copy.
     */
    public void serveSeparately(UnaryOperator<TextClassifier> copier, TextClassifier served, ModelState servedState, boolean equalsLearned,
                                long maxPendingFloats) {
        mutation.lock();
        try {
            if (lag != null) {
                throw new IllegalStateException("model '" + name + "' already serves a separate copy");
            }
            TextClassifier copy = served != null ? served : copier.apply(classifier);
            ModelState state = served != null ? servedState : learnedState();
            ServingCopy s = new ServingCopy(copier, copy, state, maxPendingFloats);
            if (served != null && !equalsLearned) {
                s.needFullCopy();   // another state than the learned one: no deltas lead from it to the learned copy
            }
            Map<Device, ClassifierReplica> nextReplicas = replicasOf(copy);
            lock.writeLock().lock();
            try {
                lag = s;
                installReplicas(nextReplicas);
            } finally {
                lock.writeLock().unlock();
            }
        } finally {
            mutation.unlock();
        }
    }

    /**
     * Serves what was learned since the last promotion if {@code check} admits it: the rounds' deltas are applied to the
     * serving copy in order (structure first, invisible to prediction; then the rows, in one step readers are held off
     * for), or the learned model is copied whole where there are no deltas. Otherwise the last promoted version stays
     * served. Either way the sequences learned so far are {@link #settled}. Without a serving copy there is nothing to do.
     */
    public Promotion promote(PromotionCheck check) {
        return promote(check, p -> { });
    }

    /**
     * {@link #promote(PromotionCheck)}, telling {@code outcome} the result before waiters on {@link #settled} wake, so that
     * whoever judged (the gate) has recorded what it decided by the time a waiter looks.
     */
    public Promotion promote(PromotionCheck check, Consumer<Promotion> outcome) {
        ServingCopy s = lag;
        if (s == null) {
            long v = version.get();
            Promotion none = new Promotion(Promotion.Outcome.NOTHING_PENDING, v, v, false, 0);
            outcome.accept(none);
            return none;
        }
        Promotion p = null;
        mutation.lock();
        try {
            long learned = version.get();
            long served = s.state.version();
            if (served == learned) {
                p = new Promotion(Promotion.Outcome.NOTHING_PENDING, served, learned, false, 0);
            } else if (!check.admits(classifier, learned, s.classifier, served)) {
                p = new Promotion(Promotion.Outcome.HELD, served, learned, false, 0);
            } else {
                try {
                    p = s.fullCopyNeeded ? promoteByCopy(s, learned) : promoteByDeltas(s, learned);
                } catch (RuntimeException e) {
                    // Deltas may be half applied (structure added, rows not): only a whole copy brings the serving copy back.
                    s.needFullCopy();
                    throw e;
                }
            }
            return p;
        } finally {
            mutation.unlock();
            if (p != null) {
                outcome.accept(p);
            }
            settled.signal(appliedSequence);
        }
    }

    private Promotion promoteByDeltas(ServingCopy s, long learned) {
        TextClassifier c = s.classifier;
        List<ModelDelta> deltas = List.copyOf(s.pending);
        for (ModelDelta d : deltas) {
            d.addStructure(c);   // invisible to prediction: readers go on
        }
        java.util.BitSet inputRows = new java.util.BitSet(), classRows = new java.util.BitSet();
        for (ModelDelta d : deltas) {
            for (dev.kindling.core.tensor.RowPatch p : d.patches()) {
                java.util.BitSet into = p.table().equals(ModelDelta.INPUT_TABLE) ? inputRows
                        : p.table().equals(dev.kindling.core.hsm.HierarchicalSoftmax.CLASS_WEIGHT) ? classRows : null;
                if (into != null) {
                    Arrays.stream(p.rows()).forEach(into::set);
                }
            }
        }
        lock.writeLock().lock();
        try {
            for (ModelDelta d : deltas) {
                d.writeRows(c);
            }
            s.state = learnedState();
            RowCache cache = rowCache;
            if (cache != null) {
                cache.rowsUpdated(inputRows.stream().toArray());
            }
            for (ClassifierReplica replica : replicas.values()) {
                replica.refresh(inputRows.stream().toArray(), classRows.stream().toArray());
            }
        } finally {
            lock.writeLock().unlock();
        }
        s.clearPending();
        return new Promotion(Promotion.Outcome.PROMOTED, learned, learned, false, deltas.size());
    }

    private Promotion promoteByCopy(ServingCopy s, long learned) {
        TextClassifier copy = s.copier.apply(classifier);
        Map<Device, ClassifierReplica> nextReplicas = replicasOf(copy);
        lock.writeLock().lock();
        try {
            s.classifier = copy;
            s.state = learnedState();
            installReplicas(nextReplicas);
        } finally {
            lock.writeLock().unlock();
        }
        s.clearPending();
        return new Promotion(Promotion.Outcome.PROMOTED, learned, learned, true, 0);
    }

    /**
     * Takes over {@code other}'s parameters and counters in one step readers are held off for (a rollback: {@code other} was
     * built from a kept version and brought up to this model's log position, by replaying or skipping the records after
     * the version). {@code other} must be at this model's log position, so that nothing acknowledged is lost or applied
     * twice. The result is a new version (versions never go back); like a swap, older checkpoints are no fallback for it.
     * With {@code other} serving a separate copy, that copy and its pending rounds are taken too. Returns the served version.
     */
    public long adopt(ServedModel other) {
        mutation.lock();
        try {
            if (other.appliedSequence != appliedSequence) {
                throw new IllegalStateException("model '" + name + "' is at log sequence " + appliedSequence + " but the state to adopt is at "
                        + other.appliedSequence + "; a rollback must bring it to the same position");
            }
            ServingCopy s = other.lag;
            if (lag != null && s == null) {
                throw new IllegalStateException("model '" + name + "' serves a separate copy; the state to adopt must have one too");
            }
            Map<Device, ClassifierReplica> nextReplicas = replicasOf(s == null ? other.classifier : s.classifier);
            lock.writeLock().lock();
            try {
                long servedVersion = version.incrementAndGet();
                boolean pending = s != null && (s.fullCopyNeeded || !s.pending.isEmpty());
                if (pending) {
                    version.incrementAndGet();   // the learned copy is ahead of the served one: the gate judges the replayed rounds
                }
                classifier = other.classifier;
                examplesApplied = other.examplesApplied;
                jobProgress.clear();
                jobProgress.putAll(other.jobProgress);
                installReplicas(nextReplicas);
                swappedAtVersion = servedVersion;
                if (s != null) {
                    s.state = pending ? new ModelState(servedVersion, s.state.appliedSequence(), s.state.examplesApplied(), s.state.jobProgress())
                            : learnedState();
                    lag = s;
                }
                return servedVersion;
            } finally {
                lock.writeLock().unlock();
            }
        } finally {
            mutation.unlock();
        }
    }

    /** A writer of a classifier to wherever the caller keeps it. */
    @FunctionalInterface
    public interface ClassifierWriter {
        void write(TextClassifier classifier) throws IOException;
    }

    /**
     * Writes the served copy through {@code writer} and returns the counters that describe it, both of one instant (updates
     * and promotions wait; classification goes on): a kept version.
     */
    public ModelState writeServed(ClassifierWriter writer) throws IOException {
        mutation.lock();
        try {
            ServingCopy s = lag;
            writer.write(s == null ? classifier : s.classifier);
            return s == null ? learnedState() : s.state;
        } finally {
            mutation.unlock();
        }
    }

    /** The version a swap or rollback published last (0: none since start): older checkpoints and versions hold another model. */
    public long swappedAtVersion() {
        return swappedAtVersion;
    }

    /** Writes a checkpoint of the current state; updates wait meanwhile, classification goes on. */
    public CheckpointStore.Snapshot checkpoint(CheckpointStore store) throws IOException {
        return checkpoint(store, c -> c::save);
    }

    /** {@link #checkpoint(CheckpointStore)} writing the classifier with {@code writerOf(classifier)}. */
    CheckpointStore.Snapshot checkpoint(CheckpointStore store, java.util.function.Function<TextClassifier, CheckpointStore.ModelWriter> writerOf)
            throws IOException {
        mutation.lock();
        try {
            TextClassifier c = classifier;
            return store.commit(writerOf.apply(c), appliedSequence, examplesApplied, version.get(), Map.copyOf(jobProgress),
                    swappedAtVersion);
        } finally {
            mutation.unlock();
        }
    }

    /**
     * The digest of the parameters in force and the version it belongs to; computed once per version (a pass over
     * the tables, under the lock that excludes updates: classification goes on).
     */
    public VersionDigest digest() {
        VersionDigest d = digest;
        if (d != null && d.version() == version.get()) {
            return d;
        }
        mutation.lock();
        try {
            return digestLocked();
        } finally {
            mutation.unlock();
        }
    }

    /**
     * The digest for a status page: the current version's when it is known or the model is quiet; while a round is being
     * trained, the newest digest computed so far (its version says which; null before the first). Never makes training
     * wait for a pass over the tables, as {@link #digest()} would on a model that learns.
     */
    public VersionDigest latestDigest() {
        VersionDigest d = digest;
        if ((d != null && d.version() == version.get()) || !mutation.tryLock()) {
            return d;
        }
        try {
            return digestLocked();
        } finally {
            mutation.unlock();
        }
    }

    private VersionDigest digestLocked() {
        VersionDigest d = digest;
        if (d == null || d.version() != version.get()) {
            d = new VersionDigest(version.get(), appliedSequence, ModelDigest.of(classifier));
            digest = d;
        }
        return d;
    }

    /**
     * Writes the model to {@code file} with the counters, job progress and digest of the same instant (updates wait,
     * classification goes on): a fleet checkpoint.
     */
    public ModelSnapshot writeSnapshot(Path file) throws IOException {
        mutation.lock();
        try {
            classifier.save(file);
            return new ModelSnapshot(appliedSequence, examplesApplied, version.get(), Map.copyOf(jobProgress), digest().digest().combined());
        } finally {
            mutation.unlock();
        }
    }

    /**
     * Replaces the model with {@code next} and its counters with {@code snapshot}'s, in one step readers are held off
     * for: a replica taking a fleet checkpoint (joining, or repairing a divergence). Unlike {@link #swap} the version is
     * the snapshot's, not a new one, so replicas that hold the same parameters report the same version.
     */
    public void resync(TextClassifier next, ModelSnapshot snapshot) {
        mutation.lock();
        try {
            Map<Device, ClassifierReplica> nextReplicas = replicasOf(next);
            lock.writeLock().lock();
            try {
                classifier = next;
                installReplicas(nextReplicas);
                appliedSequence = snapshot.appliedSequence();
                examplesApplied = snapshot.examplesApplied();
                jobProgress.clear();
                jobProgress.putAll(snapshot.jobProgress());
                version.set(snapshot.version());
            } finally {
                lock.writeLock().unlock();
            }
        } finally {
            mutation.unlock();
            applied.signal(appliedSequence);
        }
    }

    /** The texts classified are held to the rules of the texts learned from: one rule for every entry point. */
    static void checkText(String text) {
        try {
            TextRules.check(text);
        } catch (IllegalArgumentException e) {
            throw InvalidInputException.of(e);
        }
    }

    /** Test seam: {@code hook} runs after each staged round is trained, before it is published. */
    void whilePublishing(Runnable hook) {
        this.whilePublishing = hook;
    }

    void afterStaging(Runnable hook) {
        this.afterStaging = hook;
    }

    @Override
    public String toString() {
        return "ServedModel " + name + " v" + version.get() + " (" + classifier + ")";
    }
}
