package dev.kindling.core.serving.guard;

import java.time.Instant;

/**
 * A validation gate changed its mind about a model: it stopped promoting ({@link Kind#HELD}: the last good version stays
 * served) or promotes again ({@link Kind#RESUMED}: a later version was within bounds, or a rollback reset it).
 *
 * @param servedVersion    the version served when the event was raised
 * @param candidateVersion the learned version that was judged
 * @param served           the served version's held-out score (null when not judged)
 * @param candidate        the candidate's held-out score (null when not judged)
 * @param reason           why, in words (which bound, by how much)
 */
public record GateEvent(String model, Kind kind, Instant at, long servedVersion, long candidateVersion, HeldOutScore served,
                        HeldOutScore candidate, String reason) {

    public enum Kind {
        HELD, RESUMED
    }
}
