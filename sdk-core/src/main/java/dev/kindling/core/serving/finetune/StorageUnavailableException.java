package dev.kindling.core.serving.finetune;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Something that must be stored durably before it is acknowledged (a feedback example in the log, a job's files,
 * a job's new state) could not be written: the disk is full, the directory is read-only, or the device failed.
 * Nothing was acknowledged and nothing half-written stays behind, so the caller may retry once storage is back
 * (HTTP: 507 Insufficient Storage when {@link #outOfSpace()}, else 503). The cause is the file system's error.
 */
public class StorageUnavailableException extends UncheckedIOException {

    public StorageUnavailableException(String message, IOException cause) {
        super(message + ": " + describe(cause), cause);
    }

    /** Whether the file system is full (ENOSPC) or over a quota (EDQUOT): freeing space lets a retry succeed. */
    public boolean outOfSpace() {
        return mentions("No space left on device") || mentions("Disk quota exceeded");
    }

    /** Whether the file system or the directory is read-only. */
    public boolean readOnly() {
        return mentions("Read-only file system");
    }

    private boolean mentions(String error) {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(error)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e instanceof java.nio.file.FileSystemException f && f.getReason() != null
                ? f.getReason() + " (" + f.getFile() + ")"
                : m == null ? e.getClass().getSimpleName() : m;
    }
}
