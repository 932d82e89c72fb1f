package dev.kindling.spring.finetune;

import dev.kindling.core.io.WriteAheadLog;
import dev.kindling.core.text.BadLine;
import dev.kindling.core.text.LabelledLines;
import dev.kindling.core.text.Tokenizer;
import dev.kindling.spring.model.ModelRegistry;
import dev.kindling.spring.model.ServedModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Online fine-tuning for every model that allows it: feedback examples ({@link #submit}) and batch jobs
 * ({@link #startJob}), both through each model's write-ahead log. Created after the models are loaded;
 * on start it replays what the logs hold beyond each model's last checkpoint.
 */
public final class FineTuningService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FineTuningService.class);
    /** Finished jobs kept for status queries. */
    private static final int MAX_FINISHED_JOBS = 1000;

    private final ModelRegistry models;
    private final FineTuningProperties properties;
    private final Map<String, ModelFineTuner> tuners = new LinkedHashMap<>();
    private final Map<String, FineTuneJob> jobs = new ConcurrentHashMap<>();
    private final ExecutorService jobRunner = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("kindling-finetune-jobs").factory());

    public FineTuningService(ModelRegistry models, FineTuningProperties properties, ModelFineTuner.Listener listener) throws IOException {
        properties.validate();
        this.models = models;
        this.properties = properties;
        for (ServedModel m : models.all()) {
            if (!m.settings().isFineTuning()) {
                continue;
            }
            Path dir = models.dataDirectory(m.name());
            WriteAheadLog wal = WriteAheadLog.open(dir.resolve("wal"), properties.getWalSegmentBytes());
            tuners.put(m.name(), new ModelFineTuner(m, properties, wal, models.checkpointStore(m.name()), listener));
        }
    }

    /** The fine-tuner of {@code model}; fails when the model is unknown or does not allow fine-tuning. */
    public ModelFineTuner tuner(String model) {
        ServedModel m = models.get(model);
        ModelFineTuner t = tuners.get(m.name());
        if (t == null) {
            throw new IllegalArgumentException("model '" + model + "' does not accept fine-tuning (kindling.models." + model
                    + ".fine-tuning=false or kindling.fine-tuning.enabled=false)");
        }
        return t;
    }

    public Collection<ModelFineTuner> tuners() {
        return tuners.values();
    }

    /** Durably accepts one labelled example for {@code model}; returns its log sequence. */
    public long submit(String model, LabelledExample example) {
        return tuner(model).submit(example);
    }

    /**
     * Starts a job over fastText-format lines ({@code __label__x text}). The content is read and checked
     * first (at most {@code max-job-bytes}; bad lines are reported with their numbers and skipped);
     * nothing is trained when no line is usable.
     */
    public FineTuneJob startJob(String model, InputStream content) throws IOException {
        ModelFineTuner tuner = tuner(model);
        String prefix = tuner.model().labelPrefix();
        LabelledLines.Result parsed = LabelledLines.read(new LimitedInputStream(content, properties.getMaxJobBytes()), prefix);
        List<LabelledExample> examples = new ArrayList<>(parsed.lines().size());
        List<BadLine> bad = new ArrayList<>(parsed.badLines());
        for (LabelledLines.Line line : parsed.lines()) {
            List<String> labels = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (String t : line.tokens()) {
                if (t.startsWith(prefix)) {
                    labels.add(t.substring(prefix.length()));
                } else if (!t.equals(Tokenizer.EOS)) {
                    text.append(text.isEmpty() ? "" : " ").append(t);
                }
            }
            try {
                examples.add(new LabelledExample(text.toString(), labels));
            } catch (IllegalArgumentException e) {
                bad.add(new BadLine(line.number(), e.getMessage()));
            }
        }
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("the job file has no usable labelled line (" + bad.size() + " bad lines"
                    + (bad.isEmpty() ? "" : ", first: " + bad.get(0)) + ")");
        }
        String id = UUID.randomUUID().toString();
        FineTuneJob job = new FineTuneJob(id, tuner.model().name(), examples.size(), bad.subList(0, Math.min(20, bad.size())), bad.size());
        forgetOldJobs();
        jobs.put(id, job);
        jobRunner.submit(() -> run(job, tuner, examples));
        return job;
    }

    private void run(FineTuneJob job, ModelFineTuner tuner, List<LabelledExample> examples) {
        if (job.cancelRequested()) {
            return;
        }
        job.started();
        long baseApplied = tuner.model().examplesApplied();
        try {
            for (LabelledExample e : examples) {
                if (job.cancelRequested()) {
                    break;
                }
                job.submittedOne(tuner.submitWaiting(e, Duration.ofMinutes(5)));
                job.progress(tuner.model().examplesApplied() - baseApplied, tuner.lastLoss());
            }
            while (tuner.model().appliedSequence() < job.lastSequence() && tuner.failure() == null) {
                job.progress(tuner.model().examplesApplied() - baseApplied, tuner.lastLoss());
                Thread.sleep(20);
            }
            job.progress(tuner.model().examplesApplied() - baseApplied, tuner.lastLoss());
            if (tuner.failure() != null) {
                job.finish(FineTuneJob.State.FAILED, "fine-tuning failed: " + tuner.failure());
            } else {
                job.finish(job.cancelRequested() ? FineTuneJob.State.CANCELLED : FineTuneJob.State.SUCCEEDED, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            job.finish(FineTuneJob.State.FAILED, "interrupted");
        } catch (RuntimeException e) {
            log.warn("fine-tuning job {} failed", job.id(), e);
            job.finish(FineTuneJob.State.FAILED, e.getMessage());
        }
    }

    public FineTuneJob job(String id) {
        FineTuneJob j = id == null ? null : jobs.get(id);
        if (j == null) {
            throw new UnknownJobException(id);
        }
        return j;
    }


    private void forgetOldJobs() {
        if (jobs.size() < MAX_FINISHED_JOBS) {
            return;
        }
        jobs.values().stream()
                .filter(j -> j.state() != FineTuneJob.State.QUEUED && j.state() != FineTuneJob.State.RUNNING)
                .sorted(java.util.Comparator.comparing(j -> j.status().createdAt()))
                .limit(jobs.size() - MAX_FINISHED_JOBS + 1)
                .forEach(j -> jobs.remove(j.id()));
    }


    @Override
    public void close() throws IOException {
        jobs.values().forEach(FineTuneJob::cancel);
        jobRunner.shutdownNow();
        IOException first = null;
        for (ModelFineTuner t : tuners.values()) {
            try {
                t.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
