package dev.kindling.sample.api;

import dev.kindling.core.serving.model.Classification;
import dev.kindling.core.serving.model.ModelProvenance;

import dev.kindling.core.serving.log.FleetStatus;

import java.util.List;

/** Request and response bodies of the REST API. */
final class ApiDtos {

    private ApiDtos() {
    }

    /** {@code {"text": "...", "k": 5}} or {@code {"texts": [...], "k": 5}}. */
    record ClassifyRequest(String text, List<String> texts, Integer k) {
    }

    record ClassifyResponse(String model, long version, String device, List<Classification.LabelScore> labels) {
    }

    record TextResult(String text, List<Classification.LabelScore> labels) {
    }

    record BatchClassifyResponse(String model, long version, String device, List<TextResult> results) {
    }

    /** {@code {"text": "...", "label": "..."}} or with {@code "labels": [...]}. */
    record FeedbackRequest(String text, String label, List<String> labels) {
    }

    record FeedbackResponse(String model, long sequence, String status) {
    }

    /** {@code digest}: the parameters' checksum at {@code digestVersion}; {@code fleet}: this replica's place in a fleet, or null. */
    record ModelInfo(String name, long version, int labels, String labelPrefix, String classifier, long examplesApplied,
                     boolean fineTuning, List<String> devices, Provenance provenance, Long digestVersion, String digest,
                     FleetStatus fleet) {
    }

    /** What a model was loaded from: a configured file or a fine-tuned checkpoint, with SHA-256 hashes. */
    record Provenance(String source, String file, String sha256, String configuredFile, String configuredSha256,
                      boolean configuredFileChanged, String note) {

        static Provenance of(ModelProvenance p) {
            return p == null ? null : new Provenance(p.source().name(), p.file() == null ? null : p.file().toString(), p.sha256(),
                    p.configuredFile() == null ? null : p.configuredFile().toString(), p.configuredSha256(), p.configuredFileChanged(), p.note());
        }
    }

    record JobAccepted(String id, String model, String state, long examples, long badLines, String statusUrl) {
    }

    /** A kept version of a model; {@code served}: the one classification answers with now. */
    record VersionInfo(long version, boolean served, String createdAt, long walSequence, long examplesApplied, String digest, String reason,
                       Double precisionAt1, Double loss) {
        static VersionInfo of(dev.kindling.core.serving.guard.KeptVersion v, boolean served) {
            return new VersionInfo(v.version(), served, v.createdAt().toString(), v.walSequence(), v.state().examplesApplied(), v.digest(),
                    v.reason(), v.score() == null ? null : v.score().precisionAt1(), v.score() == null ? null : v.score().loss());
        }
    }

    /** {@code log}: "replay" or "discard", what happens to what the log holds after the version. */
    record RollbackRequest(String log) {
    }

    record RollbackResponse(String model, long restoredVersion, long servedVersion, String log, long records, String digest) {
    }

    record AuditEntry(String time, String action, String keyId, String remoteAddress, long examples, String reference, String detail) {
        static AuditEntry of(dev.kindling.core.serving.guard.AuditRecord r) {
            return new AuditEntry(r.time().toString(), r.action().id(), r.keyId(), r.remoteAddress(), r.examples(), r.reference(), r.detail());
        }
    }
}
