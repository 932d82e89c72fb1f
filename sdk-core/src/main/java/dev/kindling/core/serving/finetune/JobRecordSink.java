package dev.kindling.core.serving.finetune;

import java.io.IOException;

/** Where a job's record is stored on every change of state: its directory ({@link JobStore}), or a fleet's log. */
@FunctionalInterface
interface JobRecordSink {

    /** Stores {@code record} durably before returning. */
    void save(JobRecord record) throws IOException;
}
