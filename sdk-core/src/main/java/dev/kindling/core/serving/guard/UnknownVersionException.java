package dev.kindling.core.serving.guard;

import java.util.List;

/** A rollback named a version that is not kept (never existed, or older than the kept ones). */
public final class UnknownVersionException extends RuntimeException {

    public UnknownVersionException(String model, long version, List<Long> kept) {
        super("model '" + model + "' keeps no version " + version + "; kept versions: " + kept);
    }
}
