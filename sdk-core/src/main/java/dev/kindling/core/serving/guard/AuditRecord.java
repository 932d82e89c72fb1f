package dev.kindling.core.serving.guard;

import java.time.Instant;

/**
 * One entry of a model's audit trail.
 *
 * @param time          when the change was accepted
 * @param action        feedback, job or rollback
 * @param keyId         who: the caller's credential id
 * @param remoteAddress from where (null for in-process calls)
 * @param examples      how many examples it brought (for a rollback: log records replayed or discarded)
 * @param reference     what it is: the log sequence of feedback, the job id, or the version rolled back to
 * @param detail        more in words (labels, bad lines, replay or discard)
 */
public record AuditRecord(Instant time, AuditAction action, String keyId, String remoteAddress, long examples, String reference,
                          String detail) {
}
