package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.model.JobPosition;
import dev.kindling.core.serving.model.LabelledExample;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs batch jobs one at a time, in the order they were queued: feeds each job's stored examples, in index
 * order, through its model's fine-tuner (so the model always holds a prefix of the job), keeps a bounded number
 * of them ahead of training, waits on the model's applied-sequence signal (no polling), and records the job's
 * end. On {@link #stop} a running job is left unfinished on disk and resumes on the next start.
 */
final class JobRunner {

    private static final System.Logger log = System.getLogger(JobRunner.class.getName());
    /** How long one wait lasts before the runner looks again at cancels and shutdown. */
    private static final Duration CHECK_EVERY = Duration.ofMillis(200);

    private final FineTuningSettings settings;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("kindling-finetune-jobs").factory());
    private volatile boolean stopping;
    /** When a job waiting for storage last said so (one warning a minute). */
    private volatile long lastStorageWarning = System.nanoTime() - 120_000_000_000L;

    JobRunner(FineTuningSettings settings) {
        this.settings = settings;
    }

    boolean stopping() {
        return stopping;
    }

    /** Queues {@code job}; false when the runner is stopping (the job is stored and runs after the restart). */
    boolean submit(FineTuneJob job, ModelFineTuner tuner, JobStore store) {
        try {
            executor.submit(() -> run(job, tuner, store));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Stops taking jobs and leaves the running one unfinished; waits up to {@code timeout} for it to let go. */
    void stop(Duration timeout) {
        stopping = true;
        executor.shutdown();
        try {
            if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.log(System.Logger.Level.WARNING, "the fine-tuning job runner did not stop within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(FineTuneJob job, ModelFineTuner tuner, JobStore store) {
        if (stopping) {
            return;
        }
        String id = job.id();
        try {
            if (job.finishedDurably()) {   // cancelled while it was queued
                cleanUp(job, tuner, store);
                return;
            }
            if (job.cancelRequested()) {   // cancelled while it ran before a restart: what reached the log is in the model
                finish(job, tuner, store, FineTuneJob.State.CANCELLED, null);
                return;
            }
            long total = job.total();
            long resumeAt = tuner.jobApplied(id);
            List<LabelledExample> examples;
            try {
                examples = store.examples(id);
                if (examples.size() != total) {
                    throw new JobFormatException("the stored examples of job " + id + " number " + examples.size() + ", its record says "
                            + total);
                }
                if (resumeAt > total) {
                    throw new JobFormatException("the model holds " + resumeAt + " examples of job " + id + ", which has only " + total);
                }
            } catch (IOException e) {
                log.log(System.Logger.Level.ERROR, "model " + job.model() + ": fine-tuning job " + id + " cannot go on: " + e.getMessage());
                finish(job, tuner, store, FineTuneJob.State.FAILED, "the job's stored data cannot be used: " + e.getMessage());
                return;
            }
            job.started(resumeAt);
            long next = feed(job, tuner, examples, resumeAt);
            if (awaitApplied(job, tuner, next) && !stopping) {
                job.lossSeen(tuner.lastLoss());
                finish(job, tuner, store, job.cancelRequested() ? FineTuneJob.State.CANCELLED : FineTuneJob.State.SUCCEEDED, null);
            } else if (tuner.failure() != null) {
                job.stoppedBy("fine-tuning failed: " + tuner.failure());
            }
            // When stopping, the job stays unfinished on disk and resumes on the next start.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            job.stoppedBy("interrupted");
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "fine-tuning job " + id + " stopped", e);
            job.stoppedBy(String.valueOf(e.getMessage()));
        }
    }

    /**
     * Offers the job's examples from {@code from} on until the end, a cancel or shutdown; returns the index after
     * the last one offered. A few batches ahead of training keep it busy; the bound keeps a big job from turning
     * live feedback away (at most half the queue) or putting thousands of examples ahead of it (fine-tuning lag).
     */
    private long feed(FineTuneJob job, ModelFineTuner tuner, List<LabelledExample> examples, long from) throws InterruptedException {
        long inFlightLimit = Math.max(settings.batchSize(), Math.min(settings.queueCapacity() / 2, 16L * settings.batchSize()));
        ArrayDeque<Long> inFlight = new ArrayDeque<>();   // log sequences of offered examples not known to be applied
        long next = from;
        while (next < job.total() && !job.cancelRequested() && !stopping && tuner.failure() == null) {
            while (!inFlight.isEmpty() && inFlight.peekFirst() <= tuner.model().appliedSequence()) {
                inFlight.pollFirst();
            }
            if (inFlight.size() >= inFlightLimit) {
                tuner.awaitApplied(inFlight.peekFirst(), CHECK_EVERY);
                continue;
            }
            long seq;
            try {
                seq = tuner.offerJobExample(examples.get((int) next), new JobPosition(job.id(), next), CHECK_EVERY);
            } catch (StorageUnavailableException e) {
                // A full disk: nothing was logged; the job waits for space and goes on from the same example.
                storageWait(job, e);
                continue;
            }
            if (seq < 0) {
                continue;   // queue full: nothing was logged, offer the same example again
            }
            inFlight.addLast(seq);
            next++;
            job.submittedUpTo(next);
        }
        return next;
    }

    private void storageWait(FineTuneJob job, StorageUnavailableException e) throws InterruptedException {
        long now = System.nanoTime();
        if (now - lastStorageWarning > 60_000_000_000L) {
            lastStorageWarning = now;
            log.log(System.Logger.Level.WARNING, "model " + job.model() + ": fine-tuning job " + job.id() + " waits for storage: "
                    + e.getMessage());
        }
        Thread.sleep(CHECK_EVERY.toMillis());
    }

    /** Waits until the model holds the job's first {@code count} examples; false on shutdown or a fine-tuning failure. */
    private boolean awaitApplied(FineTuneJob job, ModelFineTuner tuner, long count) throws InterruptedException {
        while (tuner.jobApplied(job.id()) < count) {
            if (stopping || tuner.failure() != null) {
                return false;
            }
            job.lossSeen(tuner.lastLoss());
            tuner.awaitApplied(tuner.model().appliedSequence() + 1, CHECK_EVERY);   // wakes on the model's next update
        }
        return true;
    }

    private void finish(FineTuneJob job, ModelFineTuner tuner, JobStore store, FineTuneJob.State end, String error) {
        job.finish(end, error);
        cleanUp(job, tuner, store);
    }

    /** After a job's end is stored: its progress and examples are no longer needed. */
    static void cleanUp(FineTuneJob job, ModelFineTuner tuner, JobStore store) {
        tuner.forgetJob(job.id());
        try {
            store.dropExamples(job.id());
        } catch (IOException e) {
            log.log(System.Logger.Level.WARNING, "model " + job.model() + ": could not delete the examples of finished job " + job.id()
                    + " (deleted on the next start): " + e.getMessage());
        }
    }
}
