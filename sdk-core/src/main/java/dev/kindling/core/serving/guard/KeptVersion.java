package dev.kindling.core.serving.guard;

import dev.kindling.core.serving.model.ModelState;

import java.time.Instant;

/**
 * A served version of a model kept on disk so that it can be rolled back to.
 *
 * @param state     the version, the log sequence it holds up to, examples and job progress of its parameters
 * @param createdAt when it was kept
 * @param digest    the {@link dev.kindling.core.text.ModelDigest} of its parameters (a rollback restores exactly these)
 * @param reason    why it was kept: promoted, initial, swapped in, rolled back
 * @param score     its held-out score when the gate judged it (null when it was not judged)
 * @param file      the model file's name in the versions directory
 */
public record KeptVersion(ModelState state, Instant createdAt, String digest, String reason, HeldOutScore score, String file) {

    public long version() {
        return state.version();
    }

    public long walSequence() {
        return state.appliedSequence();
    }
}
