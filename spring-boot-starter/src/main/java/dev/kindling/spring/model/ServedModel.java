package dev.kindling.spring.model;

import dev.kindling.core.hsm.TopK;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.text.OnlineTrainer;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.TextRules;
import dev.kindling.core.text.Tokenizer;
import dev.kindling.spring.embedding.CachedEmbeddingTable;
import dev.kindling.spring.finetune.CheckpointStore;
import dev.kindling.spring.finetune.LabelledExample;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One classifier being served and fine-tuned at the same time. Classification holds the read lock,
 * fine-tuning updates the write lock, checkpoint snapshots only a lock that excludes updates, so a result is always
 * computed from one consistent version (no torn rows), and a snapshot contains exactly the updates up
 * to the log sequence it records. Versions increase with every applied update or swap.
 */
public final class ServedModel {

    /** Longest text accepted for classification, in characters. */
    public static final int MAX_TEXT_CHARS = TextRules.MAX_CHARS;
    /** Largest k accepted. */
    public static final int MAX_K = 1000;

    /** What one fine-tuning update did. */
    public record UpdateResult(long version, double meanLoss, int examples, int labelsAdded) {
    }

    private final String name;
    private final KindlingModelProperties.Model settings;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /**
     * Held by everything that changes the model (updates, swaps, restores) and by checkpoints. A checkpoint
     * excludes changes with this lock alone: were it to hold the read lock, the next update's queued write
     * lock request would block every classification until the checkpoint file was written.
     */
    private final ReentrantLock mutation = new ReentrantLock();
    private final AtomicLong version = new AtomicLong(1);
    private volatile TextClassifier classifier;
    private volatile CachedEmbeddingTable rowCache;
    private volatile long appliedSequence;
    /** The version a {@link #swap} published (0: none since start): checkpoints from before it hold another model. */
    private volatile long swappedAtVersion;
    private volatile long examplesApplied;
    /**
     * Per unfinished batch job, the highest index of its examples in the model. Changed only with the
     * updates that apply those examples (under {@link #mutation}), so a checkpoint records it consistently
     * with the parameters: a job resumes after exactly what the restored model holds.
     */
    private final Map<String, Long> jobProgress = new ConcurrentHashMap<>();

    public ServedModel(String name, KindlingModelProperties.Model settings, TextClassifier classifier) {
        this.name = name;
        this.settings = settings;
        this.classifier = classifier;
    }

    public String name() {
        return name;
    }

    public KindlingModelProperties.Model settings() {
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

    /** The classifier in force (for read-only inspection; do not train it directly). */
    public TextClassifier classifier() {
        return classifier;
    }

    /**
     * Whether this model has a copy on {@code device} to compute with. The text classifier keeps its tables
     * in host memory, so today only the CPU qualifies; an accelerator serves a model once the model has a
     * replica there, and work is never labelled with a device that did not compute it.
     */
    public boolean hasReplicaOn(dev.kindling.core.tensor.Device device) {
        return device.isCpu() || classifier.inputTable().device().equals(device);
    }

    /** Serve input-table rows through {@code cache} (null: read the table directly). */
    public void useRowCache(CachedEmbeddingTable cache) {
        this.rowCache = cache;
    }

    /** The top-{@code k} labels of {@code text}. */
    public Classification classify(String text, int k, String deviceName) {
        checkText(text);
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("k must be between 1 and " + MAX_K + ", got " + k);
        }
        lock.readLock().lock();
        try {
            TextClassifier c = classifier;
            List<String> tokens = Tokenizer.tokens(text);
            int[] rows = c.dictionary().inputRows(tokens, false);
            Tensor h;
            CachedEmbeddingTable cache = rowCache;
            if (cache != null) {
                float[] mean = new float[c.dim()];
                cache.mean(rows, mean);
                h = Tensor.wrap(mean, 1, c.dim());
            } else {
                h = Tensor.zeros(1, c.dim());
                c.hidden(rows, h.segment(), h.offset());
            }
            TopK top = c.output().topK(h, Math.min(k, c.dictionary().labelCount()));
            String prefix = c.dictionary().labelPrefix();
            List<Classification.LabelScore> labels = new ArrayList<>(top.size());
            for (int i = 0; i < top.size(); i++) {
                String label = c.dictionary().label(top.classes()[i]);
                labels.add(new Classification.LabelScore(label.startsWith(prefix) ? label.substring(prefix.length()) : label,
                        (float) Math.exp(top.logProbs()[i])));
            }
            return new Classification(name, version.get(), deviceName, labels);
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
        lock.writeLock().lock();
        try {
            OnlineTrainer.Result r = OnlineTrainer.train(classifier, tokens, labels, lr);
            if (lastSequence > appliedSequence) {
                appliedSequence = lastSequence;
            }
            examplesApplied += examples.size();
            jobMarks.forEach((job, index) -> jobProgress.merge(job, index, Math::max));
            long v = version.incrementAndGet();
            CachedEmbeddingTable cache = rowCache;
            if (cache != null) {
                cache.rowsUpdated(r.touchedRows());
            }
            return new UpdateResult(v, r.meanLoss(), examples.size(), r.labelsAdded());
        } finally {
            lock.writeLock().unlock();
            mutation.unlock();
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
            if (sequence > appliedSequence) {
                appliedSequence = sequence;
            }
            jobMarks.forEach((job, index) -> jobProgress.merge(job, index, Math::max));
        } finally {
            mutation.unlock();
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
        }
    }

    /** Replaces the classifier (a new checkpoint), publishing a new version. */
    public long swap(TextClassifier next) {
        mutation.lock();
        lock.writeLock().lock();
        try {
            classifier = next;
            CachedEmbeddingTable cache = rowCache;
            if (cache != null) {
                cache.invalidateAll();
            }
            long v = version.incrementAndGet();
            swappedAtVersion = v;
            return v;
        } finally {
            lock.writeLock().unlock();
            mutation.unlock();
        }
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

    /** The texts classified are held to the rules of the texts learned from: one rule for every entry point. */
    static void checkText(String text) {
        TextRules.check(text);
    }

    @Override
    public String toString() {
        return "ServedModel " + name + " v" + version.get() + " (" + classifier + ")";
    }
}
