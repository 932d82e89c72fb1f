package dev.kindling.sample.api;

import dev.kindling.core.serving.finetune.FineTuneJob;

/** A cancel of a fine-tuning job that had already ended (HTTP 409): its outcome stands. */
class JobAlreadyFinishedException extends RuntimeException {

    private final FineTuneJob.State state;

    JobAlreadyFinishedException(String id, FineTuneJob.State state) {
        super("fine-tuning job " + id + " already finished (" + state + "); there is nothing to cancel, its outcome stands");
        this.state = state;
    }

    FineTuneJob.State state() {
        return state;
    }
}
