package dev.kindling.core.serving;

import dev.kindling.core.device.DevicePool;
import dev.kindling.core.serving.finetune.FineTuneJob;
import dev.kindling.core.serving.finetune.FineTuningDisabledException;
import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.serving.finetune.FineTuningSettings;
import dev.kindling.core.serving.finetune.ModelFineTuner;
import dev.kindling.core.serving.guard.AuditQuery;
import dev.kindling.core.serving.guard.AuditRecord;
import dev.kindling.core.serving.guard.GateListener;
import dev.kindling.core.serving.guard.KeptVersion;
import dev.kindling.core.serving.guard.LabelAdmission;
import dev.kindling.core.serving.guard.LogAfterRollback;
import dev.kindling.core.serving.guard.ModelGuard;
import dev.kindling.core.serving.guard.RequestOrigin;
import dev.kindling.core.serving.guard.RollbackResult;
import dev.kindling.core.serving.log.UpdateLogFactory;
import dev.kindling.core.serving.log.FleetLogFactory;
import dev.kindling.core.serving.model.Classification;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.ModelInitializer;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.serving.model.ModelSettings;
import dev.kindling.core.serving.model.RequestLimits;
import dev.kindling.core.serving.model.RowCache;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.serving.routing.FallbackRouter;
import dev.kindling.core.serving.routing.InferenceRouter;
import dev.kindling.core.tensor.Device;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The serving engine, usable from a plain {@code main}: the models being served, their durable online learning
 * (update logs, the fine-tuner, durable jobs, checkpoints, versions) and classification routed over the devices.
 * Built with {@link #builder()}; {@link Builder#start()} loads every model (its newest checkpoint, else its file,
 * else an initializer), replays each update log and resumes unfinished jobs. {@link #close()} trains what was
 * accepted, checkpoints and releases the data directory. The Spring Boot starter is wiring around this class.
 */
public final class ServingEngine implements AutoCloseable {

    private static final System.Logger log = System.getLogger(ServingEngine.class.getName());

    /** An acknowledged example: its log sequence (it is durable) and a signal that completes once it is applied. */
    public record Acknowledgement(String model, long sequence, CompletableFuture<Long> applied) {
    }

    private final ModelRegistry models;
    private final FineTuningService fineTuning;
    private final InferenceRouter router;
    private final ClassificationService classification;
    /** Whether the engine made its router (and so closes it); a router given to the builder stays its owner's. */
    private final boolean ownsRouter;

    private ServingEngine(ModelRegistry models, FineTuningService fineTuning, InferenceRouter router,
                          ClassificationService classification, boolean ownsRouter) {
        this.models = models;
        this.fineTuning = fineTuning;
        this.router = router;
        this.classification = classification;
        this.ownsRouter = ownsRouter;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Top labels of {@code text} by {@code model}; {@code k} null means the model's default. */
    public Classification classify(String model, String text, Integer k) {
        return classification.classify(model, text, k);
    }

    /** Top labels of each text, from one version of the model, on one device. */
    public List<Classification> classifyAll(String model, List<String> texts, Integer k) {
        return classification.classifyAll(model, texts, k);
    }

    /** {@link #feedback(String, LabelledExample, RequestOrigin)} from inside the process ({@link RequestOrigin#LOCAL}). */
    public Acknowledgement feedback(String model, LabelledExample example) {
        return feedback(model, example, RequestOrigin.LOCAL);
    }

    /**
     * Accepts a labelled example for {@code model} from {@code origin} (audited as theirs): the model's label policy checks
     * it, then it returns once it is durably logged (acknowledged), with a future that completes when the model has learned
     * it and, behind a validation gate, the gate has judged it (it is served unless the gate held the version back).
     *
     * @throws dev.kindling.core.serving.guard.LabelRefusedException when the label policy refuses a label (nothing is logged)
     * @throws FineTuningDisabledException when the model does not fine-tune
     * @throws dev.kindling.core.serving.finetune.FineTuningBusyException when the model's queue is full (retry later)
     */
    public Acknowledgement feedback(String model, LabelledExample example, RequestOrigin origin) {
        return feedback(model, example, origin, null);
    }

    /**
     * Checks {@code example} against {@code model}'s label policy now, in the caller's thread, for a feedback that is appended
     * on another thread ({@link #feedback(String, LabelledExample, RequestOrigin, LabelAdmission)}): a refusal is the
     * caller's error at once. Null when the model has no guardrails.
     *
     * @throws dev.kindling.core.serving.guard.LabelRefusedException when the label policy refuses a label
     */
    public LabelAdmission admitFeedback(String model, LabelledExample example) {
        return learning(model, "does not accept feedback").admit(model, example);
    }

    /** {@link #feedback(String, LabelledExample, RequestOrigin)} of an example {@link #admitFeedback admitted} already (null: admit it now). */
    public Acknowledgement feedback(String model, LabelledExample example, RequestOrigin origin, LabelAdmission admitted) {
        FineTuningService ft = learning(model, "does not accept feedback");
        long seq = ft.submit(model, example, origin, admitted);
        ModelFineTuner tuner = ft.tuner(model);
        return new Acknowledgement(tuner.model().name(), seq, tuner.whenApplied(seq));
    }

    /** Starts a fine-tuning job over fastText-format lines; returns once the job is stored durably. */
    public FineTuneJob startJob(String model, InputStream lines) throws IOException {
        return startJob(model, lines, RequestOrigin.LOCAL);
    }

    /**
     * Starts a fine-tuning job from {@code origin} (audited as theirs); lines the label policy refuses are bad lines, a job
     * with more new labels than the policy's caps leave is refused whole. Returns once the job is stored durably.
     */
    public FineTuneJob startJob(String model, InputStream lines, RequestOrigin origin) throws IOException {
        return learning(model, "does not accept fine-tuning jobs").startJob(model, lines, origin);
    }

    /** The guardrails of a fine-tuned model: label policy, validation gate, kept versions, audit trail, online accuracy. */
    public ModelGuard guard(String model) {
        return learning(model, "has no guardrails").guard(model);
    }

    /** The versions of {@code model} kept for rollback, newest first. */
    public List<KeptVersion> versions(String model) {
        return guard(model).versions().list();
    }

    /**
     * Rolls {@code model} back to kept version {@code version}: its exact parameters (checked against the version's
     * parameter digest) are served again as a new version number; what the log holds after it is learned again
     * ({@link LogAfterRollback#REPLAY}, judged by the gate before it is served) or left out ({@link LogAfterRollback#DISCARD}).
     *
     * @throws dev.kindling.core.serving.guard.UnknownVersionException when the version is not kept
     * @throws dev.kindling.core.serving.guard.RollbackRefusedException when it cannot be done as asked (nothing changed)
     */
    public RollbackResult rollback(String model, long version, LogAfterRollback choice, RequestOrigin origin) throws IOException {
        return learning(model, "cannot be rolled back").rollback(model, version, choice, origin);
    }

    /** {@code model}'s audit records that {@code query} selects, newest first. */
    public List<AuditRecord> audit(String model, AuditQuery query) throws IOException {
        return guard(model).auditRecords(query);
    }

    private FineTuningService learning(String model, String what) {
        if (fineTuning == null) {
            models.get(model);   // an unknown model is reported as such
            throw new FineTuningDisabledException("model '" + model + "' " + what + ": this serving engine was built without fine-tuning");
        }
        return fineTuning;
    }

    /** A job by id (also a finished one, while it is kept). */
    public FineTuneJob job(String id) {
        return fineTuning().job(id);
    }

    /** A served model (for inspection: version, labels, replicas). */
    public ServedModel model(String name) {
        return models.get(name);
    }

    public ModelRegistry models() {
        return models;
    }

    /** The fine-tuning service; fails when the engine was built without fine-tuning. */
    public FineTuningService fineTuning() {
        if (fineTuning == null) {
            throw new IllegalStateException("this serving engine was built without fine-tuning");
        }
        return fineTuning;
    }

    /** Whether the engine fine-tunes (some model accepts feedback). */
    public boolean isFineTuning() {
        return fineTuning != null;
    }

    public InferenceRouter router() {
        return router;
    }

    public ClassificationService classification() {
        return classification;
    }

    /** Trains what was accepted, checkpoints, closes the logs and releases the data directory, then its devices. */
    @Override
    public void close() throws IOException {
        try {
            if (fineTuning != null) {
                fineTuning.close();
            }
        } finally {
            if (ownsRouter) {
                router.close();
            }
        }
    }

    /** How to build an engine; every part but the data directory and the models has a default. */
    public static final class Builder {
        private Path dataDirectory;
        private final List<ModelSettings> models = new ArrayList<>();
        private final List<ModelInitializer> initializers = new ArrayList<>();
        private FineTuningSettings fineTuning = FineTuningSettings.defaults();
        private UpdateLogFactory updateLogs;
        private FleetLogFactory fleetLogs;
        private Duration fleetCatchUp = Duration.ofSeconds(30);
        private InferenceRouter router;
        private Function<ServedModel, RowCache> rowCaches;
        private ModelFineTuner.Listener updateListener;
        private ClassificationService.Observer classificationObserver;
        private RequestLimits limits = RequestLimits.DEFAULT;
        private GateListener gateListener;
        private InstantSource clock = InstantSource.system();

        private Builder() {
        }

        /** Told when a model's validation gate stops or resumes promoting (events, metrics). */
        public Builder gateListener(GateListener listener) {
            this.gateListener = listener;
            return this;
        }

        /** Where guardrails read the time (label caps per hour and minute, audit records, kept versions); the system clock by default. */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where each model's update log, checkpoints, jobs and quarantine live (one sub-directory per model). */
        public Builder dataDirectory(Path dir) {
            this.dataDirectory = dir;
            return this;
        }

        public Builder model(ModelSettings settings) {
            models.add(Objects.requireNonNull(settings, "model settings"));
            return this;
        }

        /** Creates a model whose file does not exist yet (e.g. trains a default model); the first that answers wins. */
        public Builder initializer(ModelInitializer initializer) {
            initializers.add(initializer);
            return this;
        }

        /**
         * How models fine-tune (the models whose settings allow it); null turns fine-tuning off for every model:
         * serving only, nothing is written and the data directory is not locked.
         */
        public Builder fineTuning(FineTuningSettings settings) {
            this.fineTuning = settings;
            return this;
        }

        /** Where accepted examples are logged: the local write-ahead log by default, a distributed log for fleets. */
        public Builder updateLogs(UpdateLogFactory factory) {
            this.updateLogs = factory;
            return this;
        }

        /**
         * Makes every fine-tuned model one replica of a fleet that learns as one model through {@code logs} (e.g. Kafka):
         * {@link #start()} waits up to {@code catchUp} for each model to hold the fleet's current model (it serves what it
         * has meanwhile). Fleet models must be {@code -loss hsm} or {@code softmax} (they ship what they learn as deltas).
         */
        public Builder fleet(FleetLogFactory logs, Duration catchUp) {
            this.fleetLogs = logs;
            this.fleetCatchUp = Objects.requireNonNull(catchUp, "catchUp");
            return this;
        }

        /** How classification picks devices: by default a {@link FallbackRouter} over the discovered devices. */
        public Builder router(InferenceRouter router) {
            this.router = router;
            return this;
        }

        /** Makes each model's input-row cache (none by default). */
        public Builder rowCaches(Function<ServedModel, RowCache> rowCaches) {
            this.rowCaches = rowCaches;
            return this;
        }

        /** Told about every applied update (metrics). */
        public Builder updateListener(ModelFineTuner.Listener listener) {
            this.updateListener = listener;
            return this;
        }

        /** How many texts a classification may carry and how long a text may be (the same for feedback and jobs). */
        public Builder limits(RequestLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Told about every classification (metrics). */
        public Builder classificationObserver(ClassificationService.Observer observer) {
            this.classificationObserver = observer;
            return this;
        }

        /** Loads the models, replays their logs, resumes jobs and puts model replicas on the accelerators. */
        public ServingEngine start() throws IOException {
            if (dataDirectory == null) {
                throw new IllegalStateException("a serving engine needs a data directory (dataDirectory(...))");
            }
            InferenceRouter r = router != null ? router
                    : new FallbackRouter(DevicePool.discover(d -> models.stream().anyMatch(m -> m.devices().includes(d)),
                    DevicePool.DEFAULT_MAX_IN_FLIGHT, DevicePool.DEFAULT_ADMISSION_TIMEOUT));
            try {
                ModelRegistry registry = new ModelRegistry(models, dataDirectory, initializers, rowCaches);
                placeReplicas(registry, r);
                FineTuningService ft = null;
                if (fineTuning != null) {
                    UpdateLogFactory logs = updateLogs != null ? updateLogs
                            : UpdateLogFactory.local(fineTuning.walSegmentBytes(), fineTuning::approvedTruncation);
                    ft = new FineTuningService(registry, fineTuning, logs, fleetLogs, fleetCatchUp, updateListener, limits, gateListener,
                            clock);
                }
                return new ServingEngine(registry, ft, r, new ClassificationService(registry, r, limits, classificationObserver), router == null);
            } catch (IOException | RuntimeException e) {
                if (router == null) {
                    r.close();
                }
                throw e;
            }
        }

        /** Each model gets a replica on every accelerator its settings admit; one that cannot have one serves from the CPU. */
        private static void placeReplicas(ModelRegistry registry, InferenceRouter router) {
            for (ServedModel m : registry.all()) {
                for (Device d : router.devices()) {
                    if (d.isCpu() || !m.settings().devices().includes(d)) {
                        continue;
                    }
                    try {
                        m.addReplica(d);
                        log.log(System.Logger.Level.INFO, "model " + m.name() + ": serving from " + d + " (the CPU is the fallback)");
                    } catch (RuntimeException e) {
                        log.log(System.Logger.Level.WARNING, "model " + m.name() + " is served on the CPU, not on " + d + ": " + e.getMessage());
                    }
                }
            }
        }
    }

    /** Waits up to {@code timeout} for everything accepted so far for {@code model} to be applied; true if it was. */
    public boolean awaitApplied(String model, Duration timeout) throws InterruptedException {
        return fineTuning().tuner(model).awaitApplied(timeout);
    }

    @Override
    public String toString() {
        return "ServingEngine(" + models.all().stream().map(ServedModel::name).toList() + ", " + router + ")";
    }
}
