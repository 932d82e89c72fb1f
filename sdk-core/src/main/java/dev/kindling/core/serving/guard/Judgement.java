package dev.kindling.core.serving.guard;

import java.time.Instant;

/**
 * A validation gate's latest decision about one candidate.
 *
 * @param judged    false when the held-out set was too small to judge (the candidate was promoted unjudged)
 * @param admitted  whether the candidate was (or may be) served
 * @param served    the served version's score (null when not judged)
 * @param candidate the candidate's score (null when not judged)
 * @param reason    in words
 */
public record Judgement(Instant at, long servedVersion, long candidateVersion, boolean judged, boolean admitted, HeldOutScore served,
                        HeldOutScore candidate, String reason) {
}
