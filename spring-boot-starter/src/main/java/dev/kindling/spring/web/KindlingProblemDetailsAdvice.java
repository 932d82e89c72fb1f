package dev.kindling.spring.web;

import dev.kindling.core.serving.finetune.FineTuningBusyException;
import dev.kindling.core.serving.finetune.FineTuningDisabledException;
import dev.kindling.core.serving.finetune.PayloadTooLargeException;
import dev.kindling.core.serving.finetune.StorageUnavailableException;
import dev.kindling.core.serving.finetune.UnknownJobException;
import dev.kindling.core.serving.guard.GuardrailOffException;
import dev.kindling.core.serving.guard.LabelRefusedException;
import dev.kindling.core.serving.guard.RollbackRefusedException;
import dev.kindling.core.serving.guard.UnknownVersionException;
import dev.kindling.core.serving.model.InvalidInputException;
import dev.kindling.core.serving.model.UnknownModelException;
import dev.kindling.core.serving.routing.DeviceBusyException;
import dev.kindling.core.serving.routing.NoDeviceAvailableException;
import dev.kindling.core.serving.finetune.FineTuningStoppedException;
import dev.kindling.core.serving.log.UpdateLogUnavailableException;
import dev.kindling.core.serving.routing.RetryLaterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import java.net.URI;
import java.time.Duration;

/**
 * The engine's exceptions as RFC 9457 problem details with their HTTP meaning, in any Spring MVC application that uses
 * the starter: 400 bad input, 404 unknown model, job or version, 409 feedback to a model that does not learn, a rollback
 * that cannot be done, or a guardrail the model turns off, 413 beyond the request limits, 422 a label the model's label
 * policy refuses (429 with {@code Retry-After} when it is a rate: new labels per hour, examples per label per minute; the
 * {@code rule} property names the rule), 429 with {@code Retry-After} when devices or the fine-tuning queue are full, 503
 * when no device can serve, 507 (a full disk) or 503 (a read-only or failed one) with {@code Retry-After} when feedback
 * or a job cannot be stored durably (nothing was acknowledged; a retry succeeds once storage is back). Only the engine's own exception types are handled (an application's IllegalArgumentException
 * stays its own). Ordered last, so an application's advice for the same exceptions wins;
 * {@code kindling.problem-details.enabled=false} removes it.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class KindlingProblemDetailsAdvice {

    private static final Logger log = LoggerFactory.getLogger(KindlingProblemDetailsAdvice.class);

    @ExceptionHandler(UnknownModelException.class)
    ResponseEntity<ProblemDetail> unknownModel(UnknownModelException e) {
        return problem(HttpStatus.NOT_FOUND, ProblemTypes.UNKNOWN_MODEL, "Unknown model", e, null);
    }

    @ExceptionHandler(UnknownJobException.class)
    ResponseEntity<ProblemDetail> unknownJob(UnknownJobException e) {
        return problem(HttpStatus.NOT_FOUND, ProblemTypes.UNKNOWN_JOB, "Unknown fine-tuning job", e, null);
    }

    @ExceptionHandler(InvalidInputException.class)
    ResponseEntity<ProblemDetail> invalidInput(InvalidInputException e) {
        return problem(HttpStatus.BAD_REQUEST, ProblemTypes.INVALID_INPUT, "Invalid input", e, null);
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(PayloadTooLargeException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, ProblemTypes.PAYLOAD_TOO_LARGE, "Request too large", e, null);
    }

    @ExceptionHandler(FineTuningDisabledException.class)
    ResponseEntity<ProblemDetail> fineTuningDisabled(FineTuningDisabledException e) {
        return problem(HttpStatus.CONFLICT, ProblemTypes.FINE_TUNING_DISABLED, "Model does not learn", e, null);
    }

    @ExceptionHandler(RetryLaterException.class)
    ResponseEntity<ProblemDetail> busy(RetryLaterException e) {
        boolean devices = e instanceof DeviceBusyException;
        URI type = devices ? ProblemTypes.DEVICES_BUSY : ProblemTypes.FINE_TUNING_BUSY;
        String title = devices ? "Devices busy" : e instanceof FineTuningBusyException ? "Fine-tuning queue full" : "Busy";
        return problem(HttpStatus.TOO_MANY_REQUESTS, type, title, e, e.retryAfter());
    }

    @ExceptionHandler(LabelRefusedException.class)
    ResponseEntity<ProblemDetail> labelRefused(LabelRefusedException e) {
        HttpStatus status = e.rule().retryable() ? HttpStatus.TOO_MANY_REQUESTS : HttpStatus.UNPROCESSABLE_CONTENT;
        ResponseEntity<ProblemDetail> r = problem(status, ProblemTypes.LABEL_REFUSED, "Label refused by the model's label policy", e,
                e.retryAfter());
        r.getBody().setProperty("rule", e.rule().id());
        r.getBody().setProperty("model", e.model());
        if (e.label() != null) {
            r.getBody().setProperty("label", e.label());
        }
        return r;
    }

    @ExceptionHandler(UnknownVersionException.class)
    ResponseEntity<ProblemDetail> unknownVersion(UnknownVersionException e) {
        return problem(HttpStatus.NOT_FOUND, ProblemTypes.UNKNOWN_VERSION, "Unknown model version", e, null);
    }

    @ExceptionHandler(RollbackRefusedException.class)
    ResponseEntity<ProblemDetail> rollbackRefused(RollbackRefusedException e) {
        return problem(HttpStatus.CONFLICT, ProblemTypes.ROLLBACK_REFUSED, "Rollback not possible", e, null);
    }

    @ExceptionHandler(GuardrailOffException.class)
    ResponseEntity<ProblemDetail> guardrailOff(GuardrailOffException e) {
        return problem(HttpStatus.CONFLICT, ProblemTypes.GUARDRAIL_OFF, "Guardrail turned off for this model", e, null);
    }

    @ExceptionHandler(NoDeviceAvailableException.class)
    ResponseEntity<ProblemDetail> noDevice(NoDeviceAvailableException e) {
        log.warn("a classification could not be served on any device", e);
        return problem(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.NO_DEVICE, "No device available", e, Duration.ofSeconds(5));
    }

    /** Fine-tuning is not running (shutting down, or stopped after a failure): nothing was accepted; serving goes on. */
    @ExceptionHandler(FineTuningStoppedException.class)
    ResponseEntity<ProblemDetail> fineTuningStopped(FineTuningStoppedException e) {
        log.warn("feedback or job refused: {}", e.getMessage());
        return problem(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.FINE_TUNING_STOPPED, "Fine-tuning stopped", e, Duration.ofSeconds(5));
    }

    /** A fleet's log (Kafka) did not confirm the example: nothing was acknowledged; classification is unaffected. */
    @ExceptionHandler(UpdateLogUnavailableException.class)
    ResponseEntity<ProblemDetail> logUnavailable(UpdateLogUnavailableException e) {
        log.warn("feedback refused: {}", e.getMessage());
        return problem(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.UPDATE_LOG_UNAVAILABLE, "Update log unavailable", e, e.retryAfter());
    }

    /** A local disk refused what must be durable before it is acknowledged: nothing was; a retry works once space is back. */
    @ExceptionHandler(StorageUnavailableException.class)
    ResponseEntity<ProblemDetail> storage(StorageUnavailableException e) {
        log.error("could not store durably: {}", e.getMessage());
        return e.outOfSpace()
                ? problem(HttpStatus.INSUFFICIENT_STORAGE, ProblemTypes.INSUFFICIENT_STORAGE, "Insufficient storage", e, Duration.ofSeconds(30))
                : problem(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.STORAGE_UNAVAILABLE, "Storage unavailable", e, Duration.ofSeconds(30));
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, URI type, String title, Exception e, Duration retryAfter) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, e.getMessage());
        p.setType(type);
        p.setTitle(title);
        ResponseEntity.BodyBuilder b = ResponseEntity.status(status);
        if (retryAfter != null) {
            b.header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
        }
        return b.body(p);
    }
}
