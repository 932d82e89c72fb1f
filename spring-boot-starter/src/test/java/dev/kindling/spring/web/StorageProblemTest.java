package dev.kindling.spring.web;

import dev.kindling.core.serving.finetune.StorageUnavailableException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import java.io.IOException;
import java.nio.file.FileSystemException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Feedback or a job that cannot be stored is never a 202: a full disk is 507 Insufficient Storage, a read-only or
 * failed one 503, both with Retry-After and the file system's reason (the engine side is DiskFaultTest in core).
 */
class StorageProblemTest {

    private final KindlingProblemDetailsAdvice handler = new KindlingProblemDetailsAdvice();

    @Test
    void aFullDiskIs507WithRetryAfter() {
        ResponseEntity<ProblemDetail> r = handler.storage(new StorageUnavailableException("model 'm': could not log the example durably",
                new IOException("No space left on device")));
        assertThat(r.getStatusCode().value()).isEqualTo(507);
        assertThat(r.getBody().getType()).isEqualTo(ProblemTypes.INSUFFICIENT_STORAGE);
        assertThat(r.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("30");
        assertThat(r.getBody().getDetail()).contains("could not log the example durably").contains("No space left on device");
    }

    @Test
    void aReadOnlyDiskIs503() {
        ResponseEntity<ProblemDetail> r = handler.storage(new StorageUnavailableException("could not store the fine-tuning job",
                new FileSystemException("/data/m/jobs/.incoming-x", null, "Read-only file system")));
        assertThat(r.getStatusCode().value()).isEqualTo(503);
        assertThat(r.getBody().getType()).isEqualTo(ProblemTypes.STORAGE_UNAVAILABLE);
        assertThat(r.getBody().getDetail()).contains("Read-only file system");
    }
}
