package dev.kindling.core.serving.finetune;

import dev.kindling.core.io.Crc32c;
import dev.kindling.core.serving.log.ExampleCodec;
import dev.kindling.core.serving.log.FleetCheckpoint;
import dev.kindling.core.serving.log.FleetReplica;
import dev.kindling.core.serving.log.FleetUpdate;
import dev.kindling.core.serving.log.LoggedRecord;
import dev.kindling.core.serving.log.PoisonRecordQuarantine;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.ModelSnapshot;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.serving.model.VersionDigest;
import dev.kindling.core.text.ModelDelta;
import dev.kindling.core.text.ModelDigest;
import dev.kindling.core.text.TextClassifier;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * A served model as one replica of a fleet ({@link FleetReplica}): as the trainer it trains examples and returns each
 * round's {@link ModelDelta} as a {@link FleetUpdate} to publish; as a follower it applies the published updates. An
 * update is taken only by a model at its base (it holds exactly the sequences before the update's), an update already
 * held (the trainer's own, or one a checkpoint holds) is passed over, and anything else — a gap, a delta that does not
 * fit, a digest that differs at the same version — marks the model diverged until it reloads a fleet checkpoint:
 * never silently served as the fleet's model.
 */
final class FleetMember implements FleetReplica {

    private static final System.Logger log = System.getLogger(FleetMember.class.getName());

    /** A decoded example record waiting in a training round. */
    private record Pending(long sequence, ExampleCodec.Logged logged) {
    }

    private final ServedModel model;
    private final FineTuningSettings settings;
    private final PoisonRecordQuarantine quarantine;
    private final ModelFineTuner.Listener listener;
    /** Whether a job was cancelled: its examples still in the log are passed over. */
    private final Predicate<String> jobCancelled;
    /** Serializes training, applying and restoring: each checks and moves the model's sequence in one step. */
    private final Object lock = new Object();
    private ModelDelta lastDelta;
    private volatile String divergence;
    private long digestStatedVersion = -1;
    private volatile double lastLoss = Double.NaN;

    FleetMember(ServedModel model, FineTuningSettings settings, PoisonRecordQuarantine quarantine, ModelFineTuner.Listener listener,
                Predicate<String> jobCancelled) {
        TextClassifier c = model.classifier();
        if (c.args().loss() == dev.kindling.core.text.TrainingArgs.Loss.HS) {
            throw new IllegalStateException("model '" + model.name() + "' is an -loss hs model, which trains in place and cannot ship what it"
                    + " learned to other replicas; a fleet (kindling.fine-tuning.log=kafka) needs an -loss hsm or -loss softmax model");
        }
        this.model = model;
        this.settings = settings;
        this.quarantine = quarantine;
        this.listener = listener;
        this.jobCancelled = jobCancelled;
        model.onDelta(d -> lastDelta = d);
    }

    @Override
    public String model() {
        return model.name();
    }

    @Override
    public long appliedSequence() {
        return model.appliedSequence();
    }

    @Override
    public boolean diverged() {
        return divergence != null;
    }

    @Override
    public String divergence() {
        return divergence;
    }

    double lastLoss() {
        return lastLoss;
    }

    @Override
    public List<byte[]> train(List<LoggedRecord> records) {
        synchronized (lock) {
            if (divergence != null) {
                throw new IllegalStateException("model '" + model.name() + "' diverged (" + divergence + "); it reloads a fleet checkpoint before it trains");
            }
            List<byte[]> out = new ArrayList<>();
            List<Pending> round = new ArrayList<>();
            long skipThrough = -1;   // a run of a cancelled job's examples, passed over in one update
            for (LoggedRecord r : records) {
                if (r.sequence() <= model.appliedSequence()) {
                    continue;   // held already
                }
                ExampleCodec.Logged logged;
                try {
                    logged = ExampleCodec.decodeLogged(r.payload());
                } catch (IllegalStateException undecodable) {
                    trainRound(round, out);
                    skipThrough = flushSkip(skipThrough, out);
                    out.add(setAside(r.sequence(), r.payload(), undecodable, Map.of()));
                    continue;
                }
                if (logged.position() != null && jobCancelled.test(logged.position().jobId())) {
                    trainRound(round, out);
                    skipThrough = r.sequence();   // a cancelled job's examples are passed over, its progress stays
                    continue;
                }
                skipThrough = flushSkip(skipThrough, out);
                round.add(new Pending(r.sequence(), logged));
                if (round.size() >= settings.batchSize()) {
                    trainRound(round, out);
                }
            }
            trainRound(round, out);
            flushSkip(skipThrough, out);
            return out;
        }
    }

    private long flushSkip(long skipThrough, List<byte[]> out) {
        if (skipThrough > 0) {
            out.add(skip(skipThrough, Map.of()));
        }
        return -1;
    }

    /** Trains a round; when the model refuses it, one example at a time, setting aside each one it refuses. */
    private void trainRound(List<Pending> round, List<byte[]> out) {
        if (round.isEmpty()) {
            return;
        }
        try {
            out.add(trainOnce(round));
        } catch (IllegalArgumentException refused) {
            // The model checks a whole round before it changes anything, so nothing of it was trained.
            for (Pending p : round) {
                try {
                    out.add(trainOnce(List.of(p)));
                } catch (IllegalArgumentException e) {
                    out.add(setAside(p.sequence(), ExampleCodec.encode(p.logged().example(), p.logged().position()), e, marks(List.of(p))));
                }
            }
        }
        round.clear();
    }

    private byte[] trainOnce(List<Pending> round) {
        long after = model.appliedSequence();
        List<LabelledExample> examples = round.stream().map(p -> p.logged().example()).toList();
        Map<String, Long> marks = marks(round);
        long last = round.getLast().sequence();
        lastDelta = null;
        ServedModel.UpdateResult r = model.update(examples, settings.learningRate(), last, marks);
        ModelDelta delta = lastDelta;
        if (delta == null) {
            throw new IllegalStateException("model '" + model.name() + "' trained a round but shipped no delta");
        }
        lastLoss = r.meanLoss();
        if (listener != null) {
            listener.applied(model, r, 0);
        }
        return new FleetUpdate(after, last, examples.size(), r.version(), marks, delta, null).encode();
    }

    private static Map<String, Long> marks(List<Pending> round) {
        Map<String, Long> marks = new HashMap<>();
        for (Pending p : round) {
            if (p.logged().position() != null) {
                marks.merge(p.logged().position().jobId(), p.logged().position().index(), Math::max);
            }
        }
        return marks;
    }

    private byte[] setAside(long sequence, byte[] payload, Throwable error, Map<String, Long> marks) {
        try {
            quarantine.setAside(sequence, payload, error);
        } catch (IOException e) {
            throw new UncheckedIOException("could not set aside fleet record " + sequence + " of model '" + model.name() + "' in "
                    + quarantine.directory() + ": " + e.getMessage(), e);
        }
        return skip(sequence, marks);
    }

    private byte[] skip(long sequence, Map<String, Long> marks) {
        long after = model.appliedSequence();
        model.skip(sequence, marks);
        return new FleetUpdate(after, sequence, 0, model.version(), marks, null, null).encode();
    }

    @Override
    public void unpublished(Throwable why) {
        diverge("the updates it trained were not published (" + why + ")");
    }

    @Override
    public byte[] digestUpdate() {
        synchronized (lock) {
            if (divergence != null) {
                return null;
            }
            VersionDigest d = model.digest();
            if (d.version() == digestStatedVersion) {
                return null;
            }
            digestStatedVersion = d.version();
            return FleetUpdate.digestOnly(model.appliedSequence(), d.version(), d.digest().combined()).encode();
        }
    }

    @Override
    public Outcome apply(byte[] bytes) {
        FleetUpdate u;
        try {
            u = FleetUpdate.decode(bytes);
        } catch (IllegalArgumentException e) {
            return diverge("an update cannot be read: " + e.getMessage());
        }
        synchronized (lock) {
            if (divergence != null) {
                return Outcome.DIVERGED;
            }
            long applied = model.appliedSequence();
            if (u.isDigestOnly() || u.lastSequence() <= applied) {
                return checkDigest(u) ? Outcome.HELD : Outcome.DIVERGED;
            }
            if (u.afterSequence() != applied) {
                return diverge("an update covers sequences " + (u.afterSequence() + 1) + ".." + u.lastSequence() + " but the model holds up to "
                        + applied);
            }
            try {
                if (u.delta() != null) {
                    model.applyDelta(u.delta(), u.examples(), u.lastSequence(), u.jobMarks());
                } else {
                    model.skip(u.lastSequence(), u.jobMarks());
                }
            } catch (IllegalStateException | IllegalArgumentException e) {
                return diverge("an update does not fit the model: " + e.getMessage());
            }
            if (u.version() != model.version()) {
                return diverge("after sequence " + u.lastSequence() + " the trainer's model is version " + u.version() + ", this one "
                        + model.version());
            }
            return checkDigest(u) ? Outcome.APPLIED : Outcome.DIVERGED;
        }
    }

    /** Compares a stated digest with the model's at the same version; false (and diverged) when they differ. */
    private boolean checkDigest(FleetUpdate u) {
        if (u.digest() == null || u.version() != model.version()) {
            return true;
        }
        String mine = model.digest().digest().combined();
        if (!mine.equals(u.digest())) {
            diverge("at version " + u.version() + " the trainer's digest is " + u.digest() + ", this replica's " + mine);
            return false;
        }
        return true;
    }

    private Outcome diverge(String why) {
        if (divergence == null) {
            log.log(System.Logger.Level.ERROR, "model " + model.name() + " diverged from the fleet: " + why + "; it keeps serving version "
                    + model.version() + " and reloads the newest fleet checkpoint");
        }
        divergence = why;
        return Outcome.DIVERGED;
    }

    @Override
    public FleetCheckpoint checkpoint(Path file) throws IOException {
        ModelSnapshot s = model.writeSnapshot(file);
        return new FleetCheckpoint(s, 0, Files.size(file), crc(file), "");
    }

    @Override
    public void restore(Path file, FleetCheckpoint checkpoint) throws IOException {
        long size = Files.size(file);
        int crc = crc(file);
        if (size != checkpoint.fileBytes() || crc != checkpoint.fileCrc()) {
            throw new IOException("fleet checkpoint file " + file + " has " + size + " bytes with CRC32C " + Crc32c.hex(crc) + "; its description says "
                    + checkpoint.fileBytes() + " bytes with " + Crc32c.hex(checkpoint.fileCrc()));
        }
        TextClassifier loaded = TextClassifier.load(file, model.settings().inputTable(), model.settings().mappedVerification());
        String digest = ModelDigest.of(loaded).combined();
        if (!digest.equals(checkpoint.snapshot().digest())) {
            throw new IOException("fleet checkpoint " + file + " loads with digest " + digest + "; it was written with " + checkpoint.snapshot().digest());
        }
        synchronized (lock) {
            model.resync(loaded, checkpoint.snapshot());
            digestStatedVersion = -1;
            if (divergence != null) {
                log.log(System.Logger.Level.WARNING, "model " + model.name() + " reloaded the fleet checkpoint of version " + checkpoint.snapshot().version()
                        + " (sequence " + checkpoint.snapshot().appliedSequence() + "), repairing: " + divergence);
            }
            divergence = null;
        }
    }

    private static int crc(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                crc.update(buf, 0, n);
            }
        }
        return (int) crc.getValue();
    }
}
