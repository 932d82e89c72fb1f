package dev.kindling.core.serving.model;

import dev.kindling.core.serving.checkpoint.JobIds;

/**
 * Where an example logged by a batch job comes from: the job and the example's 0-based index in it.
 * Logged with the example so that, after a crash, the job resumes right after the last example that
 * reached the log, neither skipping one nor logging one twice.
 */
public record JobPosition(String jobId, long index) {

    public JobPosition {
        if (jobId == null || !JobIds.isValid(jobId)) {
            throw new IllegalArgumentException("job id '" + jobId + "' is not a job id (expected a UUID such as "
                    + "123e4567-e89b-12d3-a456-426614174000)");
        }
        if (index < 0) {
            throw new IllegalArgumentException("job example index must be >= 0, got " + index);
        }
    }
}
