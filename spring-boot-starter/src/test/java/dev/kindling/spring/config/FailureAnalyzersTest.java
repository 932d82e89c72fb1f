package dev.kindling.spring.config;

import dev.kindling.core.io.DataDirectoryInUseException;
import dev.kindling.core.io.DataDirectoryLock;
import org.junit.jupiter.api.io.TempDir;
import dev.kindling.core.serving.model.BaseModelChangedException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What the start-up report says for a changed base model and a data directory in use. */
class FailureAnalyzersTest {

    @Test
    void aChangedBaseModelOffersTheTwoPolicies() {
        BaseModelChangedException e = new BaseModelChangedException("products", Path.of("/models/products.bin"), "aaa", "bbb",
                Path.of("/data/products/checkpoints"));
        FailureAnalysis a = new BaseModelChangedFailureAnalyzer().analyze(new IllegalStateException("wrapped", e));
        assertThat(a.getDescription()).contains("/models/products.bin").contains("aaa").contains("bbb");
        assertThat(a.getAction()).contains("kindling.models.products.base-model-policy=replace")
                .contains("kindling.models.products.base-model-policy=keep-fine-tuned");
    }

    @Test
    void aDataDirectoryInUseSaysHowToGiveThisProcessItsOwn(@TempDir Path dir) throws Exception {
        try (DataDirectoryLock held = DataDirectoryLock.acquire(dir)) {
            DataDirectoryInUseException e = assertThrows(DataDirectoryInUseException.class, () -> DataDirectoryLock.acquire(dir));
            FailureAnalysis a = new DataDirectoryInUseFailureAnalyzer().analyze(e);
            assertThat(a.getDescription()).contains(dir.toRealPath().toString());
            assertThat(a.getAction()).contains("kindling.fine-tuning.directory");
        }
    }
}
