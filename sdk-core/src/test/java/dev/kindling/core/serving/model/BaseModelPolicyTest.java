package dev.kindling.core.serving.model;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.checkpoint.ContentHash;
import dev.kindling.core.serving.finetune.FineTuningSettings;
import dev.kindling.core.text.LabelledLines;
import dev.kindling.core.text.SupervisedTrainer;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.TrainingArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Provenance of a served model (configured file or fine-tuned checkpoint, with SHA-256 hashes) and what a start
 * does when the configured file was retrained under existing fine-tuned checkpoints: fail, keep, or replace.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BaseModelPolicyTest {

    @TempDir
    Path dir;

    private ServingEngine start(Path file, BaseModelPolicy policy) throws Exception {
        return ServingEngine.builder().dataDirectory(dir.resolve("data"))
                .model(ModelSettings.builder("topics").checkpoint(file).baseModelPolicy(policy).build())
                .fineTuning(FineTuningSettings.builder().maxBatchDelay(Duration.ofMillis(1)).checkpointInterval(Duration.ofHours(1)).build())
                .start();
    }

    /** Starts on {@code file}, learns "astronomy" from feedback and stops (which checkpoints). */
    private void fineTune(Path file) throws Exception {
        try (ServingEngine engine = start(file, BaseModelPolicy.FAIL)) {
            ModelProvenance p = engine.models().provenance("topics");
            assertThat(p.source()).isEqualTo(ModelProvenance.Source.CONFIGURED_FILE);
            assertThat(p.sha256()).isEqualTo(ContentHash.sha256(file)).hasSize(64);
            ServingEngine.Acknowledgement last = null;
            for (int i = 0; i < 30; i++) {
                last = engine.feedback("topics", LabelledExample.of("telescope orbit galaxy", "astronomy"));
            }
            last.applied().get(20, TimeUnit.SECONDS);
        }
    }

    /** The configured file retrained: same topics, another seed, so another file with other bytes. */
    private static void retrain(Path file) throws Exception {
        LabelledLines.Result lines = LabelledLines.read(new java.io.ByteArrayInputStream(TestModels.corpus(40, 7)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)), "__label__");
        TextClassifier other = SupervisedTrainer.train(lines.lines(), TrainingArgs.defaults().withDim(16).withEpoch(10).withThread(1)
                .withBucket(2000).withLr(0.5f).withLoss(TrainingArgs.Loss.HSM).withSeed(7).withVerbose(0), null);
        Path tmp = file.resolveSibling("retrained.bin");
        other.save(tmp);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void anUnchangedFileKeepsTheFineTunedCheckpointAndSaysSo() throws Exception {
        Path file = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
        fineTune(file);
        try (ServingEngine engine = start(file, BaseModelPolicy.FAIL)) {
            ModelProvenance p = engine.models().provenance("topics");
            assertThat(p.source()).isEqualTo(ModelProvenance.Source.FINE_TUNED_CHECKPOINT);
            assertThat(p.file()).startsWith(dir.resolve("data"));
            assertThat(p.sha256()).isEqualTo(ContentHash.sha256(p.file()));
            assertThat(p.baseSha256()).isEqualTo(ContentHash.sha256(file)).isEqualTo(p.configuredSha256());
            assertThat(p.configuredFileChanged()).isFalse();
            assertThat(engine.model("topics").labelCount()).isEqualTo(6);
        }
    }

    @Test
    void aChangedFileFailsTheStartByDefaultNamingBothHashes() throws Exception {
        Path file = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
        fineTune(file);
        String before = ContentHash.sha256(file);
        retrain(file);
        assertThat(ContentHash.sha256(file)).isNotEqualTo(before);
        assertThatThrownBy(() -> start(file, BaseModelPolicy.FAIL)).isInstanceOf(BaseModelChangedException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining(before).hasMessageContaining(ContentHash.sha256(file))
                .hasMessageContaining("REPLACE").hasMessageContaining("KEEP_FINE_TUNED");
    }

    @Test
    void keepFineTunedServesTheCheckpointAndReportsTheChange() throws Exception {
        Path file = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
        fineTune(file);
        retrain(file);
        for (int start = 0; start < 2; start++) {   // the change is reported at every start, not forgotten after one
            try (ServingEngine engine = start(file, BaseModelPolicy.KEEP_FINE_TUNED)) {
                ModelProvenance p = engine.models().provenance("topics");
                assertThat(p.source()).isEqualTo(ModelProvenance.Source.FINE_TUNED_CHECKPOINT);
                assertThat(p.configuredFileChanged()).isTrue();
                assertThat(engine.model("topics").labelCount()).isEqualTo(6);
            }
        }
    }

    @Test
    void replaceServesTheNewFileReappliesTheLogAndDecidesOnce() throws Exception {
        Path file = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
        fineTune(file);
        retrain(file);
        String now = ContentHash.sha256(file);
        long version;
        try (ServingEngine engine = start(file, BaseModelPolicy.REPLACE)) {
            ModelProvenance p = engine.models().provenance("topics");
            assertThat(p.source()).isEqualTo(ModelProvenance.Source.CONFIGURED_FILE);
            assertThat(p.sha256()).isEqualTo(now);
            assertThat(p.note()).contains("REPLACE");
            assertThat(engine.awaitApplied("topics", Duration.ofSeconds(20))).isTrue();
            // The log still held the feedback (one checkpoint kept: nothing trimmed), so the new file learned it again.
            assertThat(engine.model("topics").labelCount()).isEqualTo(6);
            assertThat(engine.classify("topics", "telescope galaxy", 1).labels().getFirst().label()).isEqualTo("astronomy");
            version = engine.model("topics").version();
        }
        // The decision was recorded: with FAIL the next start is no longer a change.
        try (ServingEngine engine = start(file, BaseModelPolicy.FAIL)) {
            ModelProvenance p = engine.models().provenance("topics");
            assertThat(p.source()).isEqualTo(ModelProvenance.Source.FINE_TUNED_CHECKPOINT);
            assertThat(p.baseSha256()).isEqualTo(now);
            assertThat(engine.model("topics").version()).isGreaterThanOrEqualTo(version);
        }
    }

    @Test
    void anInitializerCreatedModelAndAServeOnlyModelSayWhereTheyCameFrom() throws Exception {
        Path absent = dir.resolve("absent.bin");
        ModelRegistry registry = new ModelRegistry(List.of(ModelSettings.builder("fresh").checkpoint(absent).build()), dir.resolve("d1"),
                List.of((name, settings) -> java.util.Optional.of(TestModels.train(TrainingArgs.Loss.HSM))), null);
        assertThat(registry.provenance("fresh").source()).isEqualTo(ModelProvenance.Source.INITIALIZER);
        assertThat(registry.provenance("fresh").sha256()).isNull();

        Path file = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
        ModelRegistry serveOnly = new ModelRegistry(List.of(ModelSettings.builder("plain").checkpoint(file).fineTuning(false).build()),
                dir.resolve("d2"), List.of(), null);
        assertThat(serveOnly.provenance("plain").source()).isEqualTo(ModelProvenance.Source.CONFIGURED_FILE);
        assertThat(serveOnly.provenance("plain").note()).contains("fine-tuning is off");
    }
}
