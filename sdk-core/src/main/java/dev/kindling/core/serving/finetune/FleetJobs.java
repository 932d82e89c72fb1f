package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.checkpoint.JobIds;
import dev.kindling.core.serving.log.ExampleCodec;
import dev.kindling.core.serving.log.FleetLog;
import dev.kindling.core.serving.model.JobPosition;
import dev.kindling.core.serving.model.LabelledExample;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Batch jobs of a fleet: a job's examples and its record are appended to the fleet's log in one atomic write, so the
 * job exists for every replica at once and its examples are trained once by whichever replica trains. Any replica
 * answers for any job: its record comes from the log, how far it got from the model's job progress (which every
 * update carries), and a cancel stored there makes the trainer pass over the job's remaining examples.
 */
final class FleetJobs {

    private static final System.Logger log = System.getLogger(FleetJobs.class.getName());

    private final Map<String, ModelFineTuner> tuners;

    /** @param tuners the fleet models' fine-tuners, by model name */
    FleetJobs(Map<String, ModelFineTuner> tuners) {
        this.tuners = tuners;
    }

    /** Appends the job to the fleet's log; returns once the log holds all of it. */
    FineTuneJob start(ModelFineTuner tuner, JobRecord record, List<LabelledExample> examples) {
        List<byte[]> payloads = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            payloads.add(ExampleCodec.encode(examples.get(i), new JobPosition(record.id(), i)));
        }
        tuner.fleet().appendJob(record.id(), record.encode(), payloads);
        log.log(System.Logger.Level.INFO, "model " + record.model() + ": fleet job " + record.id() + " accepted with " + examples.size() + " examples");
        return view(tuner, record);
    }

    /** The job {@code id} as this replica sees it, or null when no fleet model knows it. */
    FineTuneJob find(String id) {
        if (id == null || !JobIds.isValid(id)) {
            return null;
        }
        for (ModelFineTuner t : tuners.values()) {
            JobRecord r = record(t.fleet(), id);
            if (r != null) {
                return view(t, r);
            }
        }
        return null;
    }

    /** Whether job {@code id} was cancelled (the trainer passes over its remaining examples). */
    static boolean cancelled(FleetLog fleet, String id) {
        JobRecord r = record(fleet, id);
        return r != null && r.cancelRequested();
    }

    private static JobRecord record(FleetLog fleet, String id) {
        byte[] bytes = fleet.jobRecords().get(id);
        if (bytes == null) {
            return null;
        }
        try {
            return JobRecord.decode(bytes, "the fleet's record of job " + id);
        } catch (JobFormatException e) {
            log.log(System.Logger.Level.ERROR, "the fleet's record of job " + id + " cannot be read: " + e.getMessage());
            return null;
        }
    }

    /**
     * A view of the job at this moment: its stored record with the state the model's progress implies (a job whose
     * examples are all in the model succeeded; a cancelled one is over once asked). A cancel is stored in the log.
     */
    private static FineTuneJob view(ModelFineTuner tuner, JobRecord stored) {
        long applied = Math.min(tuner.jobApplied(stored.id()), stored.totalExamples());
        JobRecord r = stored;
        if (!r.finished()) {
            if (r.cancelRequested()) {
                r = r.finishedAs(FineTuneJob.State.CANCELLED, applied, tuner.lastLoss(), null, Instant.now());
            } else if (applied >= r.totalExamples()) {
                r = r.finishedAs(FineTuneJob.State.SUCCEEDED, applied, tuner.lastLoss(), null, Instant.now());
            } else if (applied > 0) {
                r = r.withState(FineTuneJob.State.RUNNING);
            }
        }
        FleetLog fleet = tuner.fleet();
        return new FineTuneJob(r, next -> fleet.putJobRecord(next.id(), next.encode()), () -> tuner.jobApplied(stored.id()));
    }
}
