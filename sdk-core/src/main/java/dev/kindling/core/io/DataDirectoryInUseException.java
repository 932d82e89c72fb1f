package dev.kindling.core.io;

import java.nio.file.Path;

/** Another process, or another engine in this one, holds the lock of a data directory. */
public final class DataDirectoryInUseException extends IllegalStateException {

    private final transient Path directory;
    private final long holderPid;

    DataDirectoryInUseException(String message, Path directory, long holderPid) {
        super(message);
        this.directory = directory;
        this.holderPid = holderPid;
    }

    public Path directory() {
        return directory;
    }

    /** The pid the holder wrote into the lock file, or -1 when it had not written one yet. */
    public long holderPid() {
        return holderPid;
    }
}
