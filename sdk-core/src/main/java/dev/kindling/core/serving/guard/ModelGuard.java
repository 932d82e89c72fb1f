package dev.kindling.core.serving.guard;

import dev.kindling.core.text.ModelDigest;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.Promotion;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.Tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One fine-tuned model's guardrails together: its {@link LabelPolicy}, {@link ValidationGate} (with the serving copy it
 * needs), {@link VersionStore}, {@link AuditTrail} and {@link OnlineAccuracy}. The fine-tuner calls it at fixed points:
 * {@link #attach()} before the log is replayed, {@link #beforeRound}/{@link #afterRound} around each training round on
 * its training thread, {@link #keepVersionIfChanged()} with each checkpoint. Files live under the model's data
 * directory: {@code guard/} (reservoir, label baseline, scratch copies), {@code versions/}, {@code audit/}.
 */
public final class ModelGuard implements AutoCloseable {

    private static final System.Logger log = System.getLogger(ModelGuard.class.getName());
    /** Examples of a round whose served answer is checked for online precision. */
    static final int ONLINE_SAMPLE = 4;

    private final ServedModel model;
    private final GuardSettings settings;
    private final InstantSource clock;
    private final LabelPolicy labels;
    private final ValidationGate gate;
    private final VersionStore versions;
    private final AuditTrail audit;
    private final ClassifierCopier copier;
    private final OnlineAccuracy online = new OnlineAccuracy(1000);
    private final AtomicLong auditFailures = new AtomicLong();

    private ModelGuard(ServedModel model, GuardSettings settings, InstantSource clock, LabelPolicy labels, ValidationGate gate,
                       VersionStore versions, AuditTrail audit, ClassifierCopier copier) {
        this.model = model;
        this.settings = settings;
        this.clock = clock;
        this.labels = labels;
        this.gate = gate;
        this.versions = versions;
        this.audit = audit;
        this.copier = copier;
    }

    /** Opens the guardrails of {@code model} in {@code modelDir} (its data directory); nothing is served differently until {@link #attach()}. */
    public static ModelGuard open(ServedModel model, GuardSettings settings, Path modelDir, GateListener listener, InstantSource clock)
            throws IOException {
        Path guardDir = Files.createDirectories(modelDir.resolve("guard"));
        String prefix = model.labelPrefix();
        LabelPolicy labels = new LabelPolicy(model.name(), settings.labels(),
                l -> model.classifier().dictionary().labelId(prefix + l) >= 0, model::labelCount, labelBaseline(guardDir, model), clock);
        ValidationGate gate = null;
        if (settings.gate().enabled()) {
            GateSettings g = settings.gate();
            HeldOutSet heldOut = g.heldOutFile() != null ? FileHeldOutSet.read(model.name(), g.heldOutFile(), prefix)
                    : ReservoirHeldOutSet.open(guardDir.resolve("held-out-reservoir.txt"), g.reservoirSize(), model.name().hashCode());
            gate = new ValidationGate(model.name(), g, heldOut, listener, clock);
        }
        VersionStore versions = new VersionStore(model.name(), modelDir.resolve("versions"), Math.max(1, settings.versionsKept()));
        AuditTrail audit = settings.audit() ? AuditTrail.open(modelDir.resolve("audit").resolve("audit.jsonl")) : null;
        return new ModelGuard(model, settings, clock, labels, gate, versions, audit,
                new ClassifierCopier(guardDir, model.settings().inputTable()));
    }

    /**
     * The label count the new-labels-total cap counts from: the model's when guardrails first saw it, kept in
     * {@code guard/label-baseline} so that a restart does not forgive what was added.
     */
    private static int labelBaseline(Path guardDir, ServedModel model) throws IOException {
        Path f = guardDir.resolve("label-baseline");
        if (Files.exists(f)) {
            String v = Files.readString(f, StandardCharsets.UTF_8).trim();
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IOException(f + " holds '" + v + "'; expected the label count guardrails started from (delete it to start"
                        + " counting from the model's current labels)", e);
            }
        }
        int now = model.labelCount();
        dev.kindling.core.io.AtomicFiles.write(f, Integer.toString(now).getBytes(StandardCharsets.UTF_8));
        return now;
    }

    /**
     * Before the log is replayed: with a gate, classification from now on reads a serving copy, the newest kept version
     * when there is one (a restart goes on serving the last good version; the replayed rounds are judged before they are
     * served), else a copy of the model as loaded. The first start keeps the loaded model as the first version.
     */
    public void attach() throws IOException {
        Optional<KeptVersion> newest = versions.newest();
        boolean replaced = model.swappedAtVersion() > 0;   // the configured file replaced the fine-tuned lineage at this start
        if (gate != null) {
            TextClassifier served = null;
            KeptVersion from = null;
            if (newest.isPresent() && !replaced && settings.versionsKept() > 0 && Files.isRegularFile(versions.file(newest.get()))) {
                try {
                    served = copier.load(versions.file(newest.get()));
                    from = newest.get();
                    if (!ModelDigest.of(served).combined().equals(from.digest())) {
                        throw new IOException("its parameters do not match the digest recorded when it was kept");
                    }
                } catch (IOException | RuntimeException e) {
                    log.log(System.Logger.Level.ERROR, "model " + model.name() + ": kept version " + newest.get().version() + " cannot be"
                            + " served (" + e.getMessage() + "); serving the model as loaded instead");
                    served = null;
                    from = null;
                }
            }
            boolean same = from != null && from.version() == model.version() && from.digest().equals(ModelDigest.of(model.classifier()).combined());
            model.serveSeparately(copier, served, from == null ? null : from.state(), same, pendingBudget(model.classifier()));
        }
        if ((newest.isEmpty() || replaced) && settings.versionsKept() > 0) {
            versions.keep(model, replaced ? "base model replaced" : "initial", null, clock.instant());
        }
    }

    /** Deltas waiting for promotion may take up to half the input table before a promotion copies the model whole instead. */
    private static long pendingBudget(TextClassifier c) {
        return Math.max(1_000_000L, c.inputTable().numel() / 2);
    }

    /** Checks a feedback example's labels (before it is logged); release the admission when it is not logged after all. */
    public LabelAdmission admitFeedback(LabelledExample example) {
        return labels.admitFeedback(example.labels());
    }

    /** Screens a job's examples (before it is stored). */
    public JobScreening screenJob(List<LabelledExample> examples) {
        return labels.screenJob(examples);
    }

    /** Writes {@code record} to the audit trail (when audited); a failure is logged and counted, never thrown. */
    public void audit(AuditRecord record) {
        if (audit == null) {
            return;
        }
        try {
            audit.append(record);
        } catch (IOException | RuntimeException e) {
            auditFailures.incrementAndGet();
            log.log(System.Logger.Level.ERROR, "model " + model.name() + ": could not write the audit record " + record + " to "
                    + audit.file() + ": " + e.getMessage());
        }
    }

    /** The audit records {@code query} selects, newest first. */
    public List<AuditRecord> auditRecords(AuditQuery query) throws IOException {
        if (audit == null) {
            throw new GuardrailOffException("model '" + model.name() + "' keeps no audit trail: its guardrails turn auditing off"
                    + " (guardrails.audit=false)");
        }
        return audit.query(query);
    }

    /**
     * Training thread, before a round: was the served answer already right (online precision)? Asked of the round's first
     * {@link #ONLINE_SAMPLE} examples only: a prediction costs about what a training step does, and under load rounds are
     * full, so a sample keeps the measurement from halving throughput; under light load rounds are small and all are asked.
     */
    public void beforeRound(List<LabelledExample> examples) {
        TextClassifier served = model.servingClassifier();
        String prefix = served.dictionary().labelPrefix();
        int hits = 0;
        List<LabelledExample> sample = examples.subList(0, Math.min(ONLINE_SAMPLE, examples.size()));
        for (LabelledExample e : sample) {
            List<String> tokens = Tokenizer.tokens(e.text()).stream().filter(t -> !t.startsWith(prefix)).toList();
            int top = served.predictIds(tokens, 1).classes()[0];
            for (String l : e.labels()) {
                if (served.dictionary().labelId(prefix + l) == top) {
                    hits++;
                    break;
                }
            }
        }
        online.answered(hits, sample.size());
    }

    /** Training thread, after a round: its loss, its examples for the held-out reservoir, and a judgement when one is due. */
    public Promotion afterRound(List<HeldOutExample> trained, ServedModel.UpdateResult result, boolean queueEmpty) {
        online.trained(result.meanLoss(), result.examples());
        if (gate == null) {
            return null;
        }
        gate.trained(trained);
        return gate.due(queueEmpty) ? gate.judgeAndPromote(model) : null;
    }

    /** Judges now whatever was learned (after the replay at start, after a rollback's replay, before a shutdown). */
    public Promotion settle() {
        return gate == null ? null : gate.judgeAndPromote(model);
    }

    /** Keeps the served version if it is not kept yet (with each checkpoint, and at shutdown). */
    public void keepVersionIfChanged() throws IOException {
        if (settings.versionsKept() == 0) {
            if (gate != null) {
                gate.versionKept();   // the reservoir still takes what was served, at the same pace
            }
            return;
        }
        Judgement j = gate == null ? null : gate.lastJudgement();
        long served = model.servingVersion();
        HeldOutScore score = j != null && j.judged() && j.admitted() && j.candidateVersion() == served ? j.candidate() : null;
        long before = versions.newest().map(KeptVersion::version).orElse(-1L);
        KeptVersion kept = versions.keep(model, gate == null ? "served" : "promoted", score, clock.instant());
        if (gate != null && kept.version() != before) {
            gate.versionKept();
        }
    }

    /** The log must be kept after this sequence, so that a rollback to the oldest kept version can replay what followed. */
    public long logFloor() {
        return settings.versionsKept() == 0 ? Long.MAX_VALUE : versions.oldestSequence();
    }

    public ServedModel model() {
        return model;
    }

    public GuardSettings settings() {
        return settings;
    }

    public LabelPolicy labels() {
        return labels;
    }

    /** The validation gate, or null when the model has none (every round is served at once). */
    public ValidationGate gate() {
        return gate;
    }

    public VersionStore versions() {
        return versions;
    }

    public OnlineAccuracy online() {
        return online;
    }

    public ClassifierCopier copier() {
        return copier;
    }

    public boolean audited() {
        return audit != null;
    }

    /** Audit records that could not be written since start (each logged at ERROR). */
    public long auditFailures() {
        return auditFailures.get();
    }

    public InstantSource clock() {
        return clock;
    }

    @Override
    public void close() throws IOException {
        if (audit != null) {
            audit.close();
        }
    }
}
