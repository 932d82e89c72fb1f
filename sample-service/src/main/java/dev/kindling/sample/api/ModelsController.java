package dev.kindling.sample.api;

import dev.kindling.core.serving.finetune.FineTuneJob;
import dev.kindling.core.serving.model.Classification;
import dev.kindling.core.serving.model.InvalidInputException;
import dev.kindling.core.text.TextRules;
import dev.kindling.spring.classifier.Classifier;
import dev.kindling.spring.classifier.Classifiers;
import dev.kindling.spring.classifier.FeedbackReceipt;
import dev.kindling.spring.classifier.ModelInfo;
import dev.kindling.spring.device.DeviceRouter;
import dev.kindling.spring.device.GuardedDevice;
import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.log.FleetStatus;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.serving.model.VersionDigest;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Models: list (with provenance), classify, feedback, fine-tuning jobs, through the starter's {@link Classifiers}; the
 * engine's errors become problem details by the starter's advice.
 */
@RestController
@RequestMapping("/v1/models")
public class ModelsController {

    private final Classifiers classifiers;
    private final DeviceRouter devices;
    private final ServingEngine engine;

    public ModelsController(Classifiers classifiers, DeviceRouter devices, ServingEngine engine) {
        this.classifiers = classifiers;
        this.devices = devices;
        this.engine = engine;
    }

    @GetMapping
    public List<ApiDtos.ModelInfo> list() {
        List<ApiDtos.ModelInfo> out = new ArrayList<>();
        for (Classifier c : classifiers.all()) {
            ModelInfo m = c.info();
            // The devices that serve this model, with their breaker states: its accelerator replicas, then the CPU.
            List<String> devs = devices.guardedDevices().stream().filter(g -> m.devices().contains(g.device().device().toString()))
                    .map(ModelsController::describe).toList();
            // The parameter digest of the version served, and the fleet's view where replicas learn as one.
            ServedModel served = engine.model(m.name());
            VersionDigest d = served.latestDigest();   // a status read must not hold training up for a pass over the tables
            FleetStatus fleet = m.fineTuning() && engine.isFineTuning() && engine.fineTuning().tuner(m.name()).fleet() != null
                    ? engine.fineTuning().tuner(m.name()).fleet().status() : null;
            out.add(new ApiDtos.ModelInfo(m.name(), m.version(), m.labels(), m.labelPrefix(), m.kind(), m.examplesApplied(),
                    m.fineTuning(), devs, ApiDtos.Provenance.of(m.provenance()), d == null ? null : d.version(),
                    d == null ? null : d.digest().combined(), fleet));
        }
        return out;
    }

    private static String describe(GuardedDevice g) {
        return g.device().device() + " (" + g.state() + ")";
    }

    @PostMapping(path = "/{model}/classify", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Object classify(@PathVariable String model, @RequestBody ApiDtos.ClassifyRequest request) {
        if ((request.text() == null) == (request.texts() == null)) {
            throw new InvalidInputException("give either \"text\" (one string) or \"texts\" (a list of strings), not both or neither");
        }
        List<String> texts = request.text() != null ? List.of(request.text()) : request.texts();
        for (String t : texts) {
            checkText(t);
        }
        Classifier classifier = classifiers.get(model);
        List<Classification> results = request.k() == null ? classifier.classifyAll(texts) : classifier.classifyAll(texts, request.k(), 0f);
        Classification first = results.get(0);
        if (request.text() != null) {
            return new ApiDtos.ClassifyResponse(first.model(), first.version(), first.device(), first.labels());
        }
        List<ApiDtos.TextResult> rs = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            rs.add(new ApiDtos.TextResult(texts.get(i), results.get(i).labels()));
        }
        return new ApiDtos.BatchClassifyResponse(first.model(), first.version(), first.device(), rs);
    }

    @PostMapping(path = "/{model}/feedback", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<ApiDtos.FeedbackResponse> feedback(@PathVariable String model, @RequestBody ApiDtos.FeedbackRequest request,
                                                             HttpServletRequest http) {
        checkText(request.text());
        List<String> labels = new ArrayList<>();
        if (request.label() != null) {
            labels.add(request.label());
        }
        if (request.labels() != null) {
            labels.addAll(request.labels());
        }
        Classifier classifier = classifiers.get(model);
        String prefix = classifier.info().labelPrefix();
        List<String> stripped = labels.stream().map(l -> l != null && l.startsWith(prefix) ? l.substring(prefix.length()) : l).toList();
        FeedbackReceipt receipt = durable(classifier.feedback(request.text(), stripped, CallerOrigin.of(http)));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new ApiDtos.FeedbackResponse(receipt.model(), receipt.sequence(), "accepted"));
    }

    @PostMapping(path = "/{model}/fine-tune-jobs", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public ResponseEntity<ApiDtos.JobAccepted> uploadJob(@PathVariable String model, @RequestParam("file") MultipartFile file,
                                                         HttpServletRequest http) throws IOException {
        if (file.isEmpty()) {
            throw new InvalidInputException("the uploaded file is empty; expected fastText-format lines such as '__label__x some text'");
        }
        try (InputStream in = file.getInputStream()) {
            return accepted(classifiers.get(model).startJob(in, CallerOrigin.of(http)));
        }
    }

    /** The body is streamed into the job reader, which enforces kindling.fine-tuning.max-job-bytes (413 beyond). */
    @PostMapping(path = "/{model}/fine-tune-jobs", consumes = MediaType.TEXT_PLAIN_VALUE)
    public ResponseEntity<ApiDtos.JobAccepted> textJob(@PathVariable String model, HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            return accepted(classifiers.get(model).startJob(in, CallerOrigin.of(request)));
        }
    }

    private static ResponseEntity<ApiDtos.JobAccepted> accepted(FineTuneJob job) {
        FineTuneJob.Status s = job.status();
        String url = "/v1/fine-tune-jobs/" + job.id();
        return ResponseEntity.accepted().location(URI.create(url))
                .body(new ApiDtos.JobAccepted(job.id(), job.model(), s.state().name(), s.totalExamples(), s.badLineCount(), url));
    }

    /** Waits for the example to be durably logged (202 after that); a refusal (a full queue: 429) is rethrown as itself. */
    private static FeedbackReceipt durable(CompletableFuture<FeedbackReceipt> accepted) {
        try {
            return accepted.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** A present, non-blank text; its size (413) and everything else a text must be are the engine's checks. */
    private static void checkText(String text) {
        if (text == null || !TextRules.hasVisibleCharacter(text)) {
            throw new InvalidInputException("\"text\" is missing or blank; expected some words");
        }
    }
}
