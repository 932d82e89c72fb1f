package dev.kindling.sample.api;

import dev.kindling.core.text.TextRules;
import dev.kindling.spring.device.DeviceRouter;
import dev.kindling.core.serving.finetune.FineTuneJob;
import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.finetune.PayloadTooLargeException;
import dev.kindling.core.serving.model.Classification;
import dev.kindling.core.serving.ClassificationService;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.serving.model.VersionDigest;
import dev.kindling.core.serving.log.FleetStatus;
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

/** Models: list, classify, feedback, fine-tuning jobs. */
@RestController
@RequestMapping("/v1/models")
public class ModelsController {

    private final ModelRegistry models;
    private final ClassificationService classification;
    private final FineTuningService fineTuning;
    private final DeviceRouter devices;

    public ModelsController(ModelRegistry models, ClassificationService classification, FineTuningService fineTuning,
                            DeviceRouter devices) {
        this.models = models;
        this.classification = classification;
        this.fineTuning = fineTuning;
        this.devices = devices;
    }

    @GetMapping
    public List<ApiDtos.ModelInfo> list() {
        List<ApiDtos.ModelInfo> out = new ArrayList<>();
        for (ServedModel m : models.all()) {
            // The devices that serve this model: its accelerator replicas, then the CPU (always the fallback).
            List<String> devs = devices.guardedDevices().stream().filter(g -> m.hasReplicaOn(g.device().device()))
                    .map(g -> g.device().device() + " (" + g.state() + ")").toList();
            VersionDigest d = m.digest();
            FleetStatus fleet = m.settings().fineTuning() && fineTuning.tuner(m.name()).fleet() != null
                    ? fineTuning.tuner(m.name()).fleet().status() : null;
            out.add(new ApiDtos.ModelInfo(m.name(), m.version(), m.labelCount(), m.labelPrefix(),
                    m.classifier().args().loss().flag(), m.examplesApplied(), m.settings().fineTuning(), devs, d.version(),
                    d.digest().combined(), fleet));
        }
        return out;
    }

    @PostMapping(path = "/{model}/classify", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Object classify(@PathVariable String model, @RequestBody ApiDtos.ClassifyRequest request) {
        if ((request.text() == null) == (request.texts() == null)) {
            throw new IllegalArgumentException("give either \"text\" (one string) or \"texts\" (a list of strings), not both or neither");
        }
        List<String> texts = request.text() != null ? List.of(request.text()) : request.texts();
        for (String t : texts) {
            checkText(t);
        }
        List<Classification> results = classification.classifyAll(model, texts, request.k());
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
    public ResponseEntity<ApiDtos.FeedbackResponse> feedback(@PathVariable String model, @RequestBody ApiDtos.FeedbackRequest request) {
        checkText(request.text());
        List<String> labels = new ArrayList<>();
        if (request.label() != null) {
            labels.add(request.label());
        }
        if (request.labels() != null) {
            labels.addAll(request.labels());
        }
        ServedModel m = models.get(model);
        List<String> stripped = labels.stream().map(l -> l != null && l.startsWith(m.labelPrefix()) ? l.substring(m.labelPrefix().length()) : l)
                .toList();
        long seq = fineTuning.submit(model, new LabelledExample(request.text(), stripped));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new ApiDtos.FeedbackResponse(m.name(), seq, "accepted"));
    }

    @PostMapping(path = "/{model}/fine-tune-jobs", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public ResponseEntity<ApiDtos.JobAccepted> uploadJob(@PathVariable String model, @RequestParam("file") MultipartFile file)
            throws IOException {
        if (file.isEmpty()) {
            throw new IllegalArgumentException("the uploaded file is empty; expected fastText-format lines such as '__label__x some text'");
        }
        try (InputStream in = file.getInputStream()) {
            return accepted(fineTuning.startJob(model, in));
        }
    }

    /** The body is streamed into the job reader, which enforces kindling.fine-tuning.max-job-bytes (413 beyond). */
    @PostMapping(path = "/{model}/fine-tune-jobs", consumes = MediaType.TEXT_PLAIN_VALUE)
    public ResponseEntity<ApiDtos.JobAccepted> textJob(@PathVariable String model, HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            return accepted(fineTuning.startJob(model, in));
        }
    }

    private static ResponseEntity<ApiDtos.JobAccepted> accepted(FineTuneJob job) {
        FineTuneJob.Status s = job.status();
        String url = "/v1/fine-tune-jobs/" + job.id();
        return ResponseEntity.accepted().location(URI.create(url))
                .body(new ApiDtos.JobAccepted(job.id(), job.model(), s.state().name(), s.totalExamples(), s.badLineCount(), url));
    }

    /** A present, non-blank text; its size (413) and everything else a text must be are the engine's checks. */
    private static void checkText(String text) {
        if (text == null || !TextRules.hasVisibleCharacter(text)) {
            throw new IllegalArgumentException("\"text\" is missing or blank; expected some words");
        }
    }
}
