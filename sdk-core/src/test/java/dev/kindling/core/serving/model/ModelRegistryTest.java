package dev.kindling.core.serving.model;

import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.serving.model.UnknownModelException;
import dev.kindling.core.tensor.HostStorage;
import dev.kindling.core.text.TablePlacement;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.checkpoint.CheckpointStore;
import dev.kindling.core.serving.model.LabelledExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelRegistryTest {

    @TempDir
    Path dir;

    private List<ModelSettings> props(Path checkpoint, TablePlacement placement) {
        return List.of(ModelSettings.builder("topics").checkpoint(checkpoint).inputTable(placement).build());
    }

    @Test
    void swapServesANewCheckpointWithoutRestartAndSurvivesOne() throws Exception {
        Path hsm = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
        ModelRegistry registry = new ModelRegistry(props(hsm, TablePlacement.HEAP), dir.resolve("data"), List.of(), null);
        ServedModel m = registry.get("topics");
        long v0 = m.version();
        // A new checkpoint that knows one more label.
        ModelRegistry other = new ModelRegistry(props(hsm, TablePlacement.HEAP), dir.resolve("other"), List.of(), null);
        for (int i = 0; i < 40; i++) {
            other.get("topics").update(List.of(LabelledExample.of("telescope orbit galaxy", "astronomy")), 0.1f, i + 1);
        }
        Path next = dir.resolve("next.bin");
        other.get("topics").classifier().save(next);

        long v1 = registry.swap("topics", next);
        assertThat(v1).isGreaterThan(v0);
        assertThat(m.classify("telescope galaxy", 1).labels().get(0).label()).isEqualTo("astronomy");
        CheckpointStore.Snapshot s = registry.checkpointStore("topics").current().orElseThrow();
        assertThat(s.version()).isEqualTo(v1);

        ModelRegistry restarted = new ModelRegistry(props(hsm, TablePlacement.HEAP), dir.resolve("data"), List.of(), null);
        assertThat(restarted.get("topics").labelCount()).isEqualTo(6);
        assertThat(restarted.get("topics").version()).isEqualTo(v1);
        assertThatThrownBy(() -> registry.swap("topics", dir.resolve("missing.bin"))).isInstanceOf(java.io.IOException.class);
        assertThat(m.version()).isEqualTo(v1);
    }

    @Test
    void inputTablesCanLiveOffHeapOrMapped() {
        Path hsm = TestModels.trainedFile(dir, TrainingArgs.Loss.HS);   // a binary-tree (fastText hs) model serves the same way
        for (TablePlacement p : TablePlacement.values()) {
            ModelRegistry registry = new ModelRegistry(props(hsm, p), dir.resolve("data-" + p), List.of(), null);
            ServedModel m = registry.get("topics");
            assertThat(((HostStorage) m.classifier().inputTable().storage()).isNative()).isEqualTo(p != TablePlacement.HEAP);
            assertThat(m.classify("oven flour butter", 1).labels().get(0).label()).isEqualTo("cooking");
            m.update(List.of(LabelledExample.of("oven flour", "cooking")), 0.1f, 1);
        }
    }

    @Test
    void badModelNamesAreRejected() {
        assertThatThrownBy(() -> ModelSettings.builder("../etc").build()).hasMessageContaining("model name '../etc'");
        ModelRegistry empty = new ModelRegistry(List.of(), dir, List.of(), null);
        assertThatThrownBy(() -> empty.get("x")).isInstanceOf(UnknownModelException.class);
    }
}
