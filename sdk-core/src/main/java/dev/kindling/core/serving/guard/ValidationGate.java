package dev.kindling.core.serving.guard;

import dev.kindling.core.serving.model.Promotion;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.text.TextClassifier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides which learned versions of a model are served. Every new version is scored on the held-out set (precision at 1
 * and mean loss) before it is promoted, against the version served and against the reference: the version that was served
 * when the held-out set last changed (a reservoir changes when a version is kept, a file never: then the reference is the
 * version served at start). One that loses more precision or gains more loss than {@link GateSettings} allow relative to
 * either is not promoted: the last good version stays served, the gate raises a {@link GateEvent} (health shows a warning)
 * and judges every later version the same way until one is within bounds again or a rollback resets the model. Comparing
 * with the reference too keeps a flood from passing as many small steps. Runs on the model's training thread (between
 * rounds), so the learned copy is not changing while it is scored.
 */
public final class ValidationGate {

    private static final System.Logger log = System.getLogger(ValidationGate.class.getName());

    private final String model;
    private final GateSettings settings;
    private final HeldOutSet heldOut;
    private final GateListener listener;
    private final InstantSource clock;
    private final AtomicLong promotions = new AtomicLong();
    private final AtomicLong holds = new AtomicLong();
    private int sinceJudged;
    private volatile boolean held;
    private volatile Instant heldSince;
    private volatile Judgement last;
    /** The served version's score on the held-out set of {@link #scoredGeneration}: scored again when either changed. */
    private HeldOutScore servedScore;
    private long scoredVersion = -1;
    private long scoredGeneration = -1;
    /** The reference: the score of the version served when the held-out set of {@link #referenceGeneration} came into force. */
    private HeldOutScore reference;
    private long referenceVersion = -1;
    private long referenceGeneration = -1;

    public ValidationGate(String model, GateSettings settings, HeldOutSet heldOut, GateListener listener, InstantSource clock) {
        this.model = model;
        this.settings = settings;
        this.heldOut = heldOut;
        this.listener = listener;
        this.clock = clock;
    }

    public GateSettings settings() {
        return settings;
    }

    public HeldOutSet heldOut() {
        return heldOut;
    }

    /** Examples just trained: candidates for the reservoir once their round is promoted, and towards the next judgement. */
    public void trained(List<HeldOutExample> examples) {
        examples.forEach(heldOut::offer);
        sinceJudged += examples.size();
    }

    /** Whether to judge now: after each burst (the queue is empty) or every {@code validate-every} examples under load. */
    public boolean due(boolean queueEmpty) {
        return queueEmpty || sinceJudged >= settings.validateEvery();
    }

    /** Judges the learned copy and promotes it when it is within bounds. */
    public Promotion judgeAndPromote(ServedModel served) {
        sinceJudged = 0;
        Promotion p;
        try {
            p = served.promote(this::admits);
        } catch (RuntimeException e) {
            // E.g. the scratch file of a full copy could not be written: the last good version stays served; the next
            // judgement tries again (with a full copy). Learning goes on.
            log.log(System.Logger.Level.ERROR, "model " + model + ": promotion failed; the served version stays", e);
            last = new Judgement(clock.instant(), served.servingVersion(), served.version(), false, false, null, null,
                    "promotion failed: " + e.getMessage());
            p = new Promotion(Promotion.Outcome.HELD, served.servingVersion(), served.version(), false, 0);
        }
        switch (p.outcome()) {
            case PROMOTED -> {
                promotions.incrementAndGet();
                heldOut.promoted();
                if (held) {
                    held = false;
                    heldSince = null;
                    raise(GateEvent.Kind.RESUMED, last, "version " + p.servedVersion() + " is within bounds again: " + last.reason());
                }
            }
            case HELD -> {
                holds.incrementAndGet();
                if (!held) {
                    held = true;
                    heldSince = clock.instant();
                    raise(GateEvent.Kind.HELD, last, last.reason());
                }
            }
            case NOTHING_PENDING -> heldOut.promoted();   // rounds that trained nothing (set aside): nothing to hold back
        }
        return p;
    }

    /** A version was kept: examples of promoted rounds join a reservoir now (the held-out set changes, and so the reference). */
    public void versionKept() {
        try {
            heldOut.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("model '" + model + "': could not store the held-out reservoir: " + e.getMessage(), e);
        }
    }

    /**
     * A rollback replaced both copies: the hold (if any) is over, the served score is stale, and examples of an interval the
     * rollback discarded leave the reservoir.
     */
    public void rolledBack(long servedVersion, long discardedAfter, boolean discarded) throws IOException {
        heldOut.discardUnpromoted();
        if (discarded) {
            heldOut.dropAfter(discardedAfter);
        }
        scoredVersion = -1;
        referenceGeneration = -1;   // the restored version is the new reference
        sinceJudged = 0;
        if (held) {
            held = false;
            heldSince = null;
            raise(GateEvent.Kind.RESUMED, null, "rolled back to the parameters of a kept version, served as version " + servedVersion);
        }
    }

    private boolean admits(TextClassifier candidate, long candidateVersion, TextClassifier served, long servedVersion) {
        long generation = heldOut.generation();   // read first: a set newer than its generation is only scored again
        List<HeldOutExample> set = heldOut.examples();
        Instant now = clock.instant();
        if (set.size() < settings.minHeldOut()) {
            last = new Judgement(now, servedVersion, candidateVersion, false, true, null, null, "not judged: the held-out set has "
                    + set.size() + " examples, fewer than the " + settings.minHeldOut() + " needed (min-held-out)");
            return true;
        }
        if (servedScore == null || scoredVersion != servedVersion || scoredGeneration != generation) {
            servedScore = HeldOutScorer.score(served, set);
            scoredVersion = servedVersion;
            scoredGeneration = generation;
        }
        if (reference == null || referenceGeneration != generation) {
            reference = servedScore;
            referenceVersion = servedVersion;
            referenceGeneration = generation;
        }
        HeldOutScore cand = HeldOutScorer.score(candidate, set);
        boolean refPrecision = reference.precisionAt1() > servedScore.precisionAt1();
        HeldOutScore p1From = refPrecision ? reference : servedScore;
        long p1Version = refPrecision ? referenceVersion : servedVersion;
        boolean refLoss = !Double.isNaN(reference.loss()) && (Double.isNaN(servedScore.loss()) || reference.loss() < servedScore.loss());
        HeldOutScore lossFrom = refLoss ? reference : servedScore;
        long lossVersion = refLoss ? referenceVersion : servedVersion;
        double drop = p1From.precisionAt1() - cand.precisionAt1();
        double rise = Double.isNaN(cand.loss()) || Double.isNaN(lossFrom.loss()) ? 0 : cand.loss() - lossFrom.loss();
        String reason;
        boolean ok;
        if (drop > settings.maxPrecisionDrop() + 1e-12) {
            ok = false;
            reason = String.format(Locale.ROOT, "held-out precision at 1 fell from %.4f (version %d) to %.4f (version %d), by more than"
                    + " the %.4f allowed (max-precision-drop)", p1From.precisionAt1(), p1Version, cand.precisionAt1(), candidateVersion,
                    settings.maxPrecisionDrop());
        } else if (rise > settings.maxLossIncrease() + 1e-12) {
            ok = false;
            reason = String.format(Locale.ROOT, "held-out loss rose from %.4f (version %d) to %.4f (version %d), by more than the %.4f"
                    + " allowed (max-loss-increase)", lossFrom.loss(), lossVersion, cand.loss(), candidateVersion, settings.maxLossIncrease());
        } else {
            ok = true;
            reason = String.format(Locale.ROOT, "held-out precision at 1 %.4f -> %.4f, loss %.4f -> %.4f over %d examples",
                    servedScore.precisionAt1(), cand.precisionAt1(), servedScore.loss(), cand.loss(), set.size());
        }
        last = new Judgement(now, servedVersion, candidateVersion, true, ok, servedScore, cand, reason);
        if (ok) {
            // Served next: its score stands for the served version until the set changes.
            servedScore = cand;
            scoredVersion = candidateVersion;
        }
        return ok;
    }

    private void raise(GateEvent.Kind kind, Judgement j, String reason) {
        GateEvent e = new GateEvent(model, kind, clock.instant(), j == null ? -1 : j.servedVersion(), j == null ? -1 : j.candidateVersion(),
                j == null ? null : j.served(), j == null ? null : j.candidate(), reason);
        log.log(kind == GateEvent.Kind.HELD ? System.Logger.Level.WARNING : System.Logger.Level.INFO, "model " + model + ": validation gate "
                + (kind == GateEvent.Kind.HELD ? "stopped promotion; still serving version " + e.servedVersion() : "promotes again") + ": " + reason);
        if (listener != null) {
            try {
                listener.gateChanged(e);
            } catch (RuntimeException ex) {
                log.log(System.Logger.Level.WARNING, "model " + model + ": a gate listener failed", ex);
            }
        }
    }

    /** Whether promotion is stopped (the last good version is served). */
    public boolean held() {
        return held;
    }

    /** Since when promotion is stopped (null when it is not). */
    public Instant heldSince() {
        return heldSince;
    }

    /** Whether the held-out set is large enough to judge. */
    public boolean judging() {
        return heldOut.size() >= settings.minHeldOut();
    }

    /** The latest decision (null before the first). */
    public Judgement lastJudgement() {
        return last;
    }

    public long promotions() {
        return promotions.get();
    }

    public long holds() {
        return holds.get();
    }
}
