package dev.kindling.sample.api;

import dev.kindling.core.serving.routing.RetryLaterException;
import dev.kindling.core.serving.routing.DeviceBusyException;
import dev.kindling.core.serving.routing.NoDeviceAvailableException;
import dev.kindling.core.serving.finetune.PayloadTooLargeException;
import dev.kindling.core.serving.finetune.StorageUnavailableException;
import dev.kindling.core.serving.finetune.UnknownJobException;
import dev.kindling.core.serving.model.UnknownModelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import java.time.Duration;

/**
 * Every error as an RFC 9457 problem detail: 400 for bad input (with what was wrong, in the API's terms),
 * 401 without the API key, 404 for unknown models and jobs, 409 for cancelling a job that already ended,
 * 413 over the size limits, 429 with Retry-After when devices or the fine-tuning queue are full, 503
 * when no device can serve, 507 (503 for a read-only or failed disk) with Retry-After when feedback or a job
 * cannot be stored durably: nothing was acknowledged, a retry succeeds once storage is back.
 */
@RestControllerAdvice
public class ProblemDetailsHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsHandler.class);

    @ExceptionHandler(PayloadTooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(PayloadTooLargeException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "Request too large", e.getMessage(), null);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> badRequest(IllegalArgumentException e) {
        return problem(HttpStatus.BAD_REQUEST, "Bad request", e.getMessage(), null);
    }

    @ExceptionHandler(MissingApiKeyException.class)
    ResponseEntity<ProblemDetail> unauthorized(MissingApiKeyException e) {
        ResponseEntity<ProblemDetail> r = problem(HttpStatus.UNAUTHORIZED, "API key required", e.getMessage(), null);
        return ResponseEntity.status(r.getStatusCode()).header(HttpHeaders.WWW_AUTHENTICATE, "ApiKey header=\"" + ApiKeyInterceptor.HEADER + "\"")
                .body(r.getBody());
    }

    @ExceptionHandler({UnknownModelException.class, UnknownJobException.class})
    ResponseEntity<ProblemDetail> notFound(RuntimeException e) {
        return problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage(), null);
    }

    @ExceptionHandler(RetryLaterException.class)
    ResponseEntity<ProblemDetail> busy(RetryLaterException e) {
        String title = e instanceof DeviceBusyException ? "Devices busy" : "Fine-tuning queue full";
        return problem(HttpStatus.TOO_MANY_REQUESTS, title, e.getMessage(), e.retryAfter());
    }

    @ExceptionHandler({NoDeviceAvailableException.class, IllegalStateException.class})
    ResponseEntity<ProblemDetail> unavailable(RuntimeException e) {
        log.warn("request could not be served", e);
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable", e.getMessage(), Duration.ofSeconds(5));
    }

    @ExceptionHandler(StorageUnavailableException.class)
    ResponseEntity<ProblemDetail> storage(StorageUnavailableException e) {
        log.error("could not store durably: {}", e.getMessage());
        return e.outOfSpace()
                ? problem(HttpStatus.INSUFFICIENT_STORAGE, "Insufficient storage", e.getMessage(), Duration.ofSeconds(30))
                : problem(HttpStatus.SERVICE_UNAVAILABLE, "Storage unavailable", e.getMessage(), Duration.ofSeconds(30));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        Throwable t = ex;
        while (t != null) {
            if (t instanceof PayloadTooLargeException p) {
                return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(tooLarge(p).getBody());
            }
            if (t instanceof StrictUtf8.MalformedUtf8Exception m) {
                return ResponseEntity.badRequest().body(badRequest(m).getBody());
            }
            t = t.getCause();
        }
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, UnreadableBodyMessage.of(ex));
        p.setTitle("Bad request");
        return ResponseEntity.badRequest().body(p);
    }

    /** A multipart upload that cannot be parsed (no boundary, cut off); too large ones are 413 (handled by the base class). */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> badUpload(MultipartException e) {
        return problem(HttpStatus.BAD_REQUEST, "Bad request", "the upload is not a readable multipart/form-data request (is the boundary"
                + " missing from its Content-Type?); expected Content-Type multipart/form-data; boundary=... with the file in a part"
                + " named 'file', or the lines themselves as text/plain", null);
    }

    @ExceptionHandler(JobAlreadyFinishedException.class)
    ResponseEntity<ProblemDetail> alreadyFinished(JobAlreadyFinishedException e) {
        ResponseEntity<ProblemDetail> r = problem(HttpStatus.CONFLICT, "Job already finished", e.getMessage(), null);
        r.getBody().setProperty("state", e.state().name());
        return r;
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail, Duration retryAfter) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setTitle(title);
        ResponseEntity.BodyBuilder b = ResponseEntity.status(status);
        if (retryAfter != null) {
            b.header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, retryAfter.toSeconds())));
        }
        return b.body(p);
    }
}
