package dev.kindling.sample.api;

import dev.kindling.core.serving.finetune.PayloadTooLargeException;
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
 * The sample's own errors as RFC 9457 problem details: 401 without the API key, 409 for cancelling a job that already
 * ended, 400 for bodies that cannot be read (413 when the JSON reader hit the size limit; 400 for a JSON body that is not
 * strict UTF-8), 503 while fine-tuning shuts down. The engine's errors (400, 404, 409, 413, 429, 503) are the starter's {@code KindlingProblemDetailsAdvice}.
 */
@RestControllerAdvice
public class ProblemDetailsHandler extends ResponseEntityExceptionHandler {

    @ExceptionHandler(MissingApiKeyException.class)
    ResponseEntity<ProblemDetail> unauthorized(MissingApiKeyException e) {
        ResponseEntity<ProblemDetail> r = problem(HttpStatus.UNAUTHORIZED, "API key required", e.getMessage(), null);
        return ResponseEntity.status(r.getStatusCode()).header(HttpHeaders.WWW_AUTHENTICATE, "ApiKey header=\"" + ApiKeyInterceptor.HEADER + "\"")
                .body(r.getBody());
    }

    /** A JSON body that is not strict UTF-8, met while the body is read (directly, or inside the JSON reader's error). */
    @ExceptionHandler(StrictUtf8.MalformedUtf8Exception.class)
    ResponseEntity<ProblemDetail> malformedUtf8(StrictUtf8.MalformedUtf8Exception e) {
        return problem(HttpStatus.BAD_REQUEST, "Bad request", e.getMessage(), null);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        Throwable t = ex;
        while (t != null) {
            if (t instanceof PayloadTooLargeException p) {
                return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                        .body(problem(HttpStatus.CONTENT_TOO_LARGE, "Request too large", p.getMessage(), null).getBody());
            }
            if (t instanceof StrictUtf8.MalformedUtf8Exception m) {
                return ResponseEntity.badRequest().body(problem(HttpStatus.BAD_REQUEST, "Bad request", m.getMessage(), null).getBody());
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
