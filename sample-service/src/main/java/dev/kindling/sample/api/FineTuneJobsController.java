package dev.kindling.sample.api;

import dev.kindling.core.serving.finetune.FineTuneJob;
import dev.kindling.spring.classifier.Classifiers;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Status and cancellation of fine-tuning jobs. */
@RestController
@RequestMapping("/v1/fine-tune-jobs")
public class FineTuneJobsController {

    private final Classifiers classifiers;

    public FineTuneJobsController(Classifiers classifiers) {
        this.classifiers = classifiers;
    }

    @GetMapping("/{id}")
    public FineTuneJob.Status status(@PathVariable String id) {
        return classifiers.job(id).status();
    }

    /**
     * Cancels a queued or running job (202); examples it already submitted stay accepted. A job that has
     * already ended cannot be cancelled: 409 with a problem naming its final state.
     */
    @DeleteMapping("/{id}")
    public ResponseEntity<FineTuneJob.Status> cancel(@PathVariable String id) {
        FineTuneJob job = classifiers.job(id);
        if (!job.cancel()) {
            throw new JobAlreadyFinishedException(job.id(), job.state());
        }
        return ResponseEntity.accepted().body(job.status());
    }
}
