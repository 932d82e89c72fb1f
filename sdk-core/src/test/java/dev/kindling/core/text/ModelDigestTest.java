package dev.kindling.core.text;

import dev.kindling.core.hsm.ClusterMapping;
import dev.kindling.core.hsm.HierarchicalSoftmax;
import dev.kindling.core.serving.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one parameter fingerprint (fleet convergence, kept versions, rollback): equal for a copy read back from its file,
 * different after one float of one table changes, and different when only the HSM's class-to-cluster layout differs
 * (the same tables answer differently under another layout).
 */
class ModelDigestTest {

    @TempDir
    Path dir;

    @Test
    void aCopyAgreesAndAnyChangedFloatOrLayoutDoesNot() throws Exception {
        TextClassifier model = TestModels.train(TrainingArgs.Loss.HSM);
        Path file = dir.resolve("m.bin");
        model.save(file);
        ModelDigest original = ModelDigest.of(model);
        assertThat(ModelDigest.of(TextClassifier.load(file))).isEqualTo(original);

        HierarchicalSoftmax hsm = (HierarchicalSoftmax) model.output();
        TextClassifier changed = TextClassifier.load(file);
        HierarchicalSoftmax changedHsm = (HierarchicalSoftmax) changed.output();
        changedHsm.classWeight().value().setFlat(3, changedHsm.classWeight().value().getFlat(3) + 1e-3f);
        ModelDigest afterChange = ModelDigest.of(changed);
        assertThat(afterChange.combined()).isNotEqualTo(original.combined());
        assertThat(afterChange.tables().get("output.classWeight")).isNotEqualTo(original.tables().get("output.classWeight"));
        assertThat(afterChange.tables().get("input")).isEqualTo(original.tables().get("input"));

        // The same tables under another layout: swap the places of the first two classes of cluster 0.
        ClusterMapping m = hsm.mapping();
        int[] clusterOf = m.clusterOfArray().clone(), index = m.indexInClusterArray().clone();
        int a = -1, b = -1;
        for (int k = 0; k < clusterOf.length && b < 0; k++) {
            if (clusterOf[k] == 0) {
                if (a < 0) {
                    a = k;
                } else {
                    b = k;
                }
            }
        }
        int t = index[a];
        index[a] = index[b];
        index[b] = t;
        TextClassifier relaid = new TextClassifier(model.args(), model.dictionary(), model.inputTable(),
                new HierarchicalSoftmax(ClusterMapping.of(clusterOf, index), hsm.clusterWeight().value(), hsm.clusterBias().value(),
                        hsm.classWeight().value(), hsm.classBias().value()));
        ModelDigest relaidDigest = ModelDigest.of(relaid);
        assertThat(relaidDigest.tables().get("output.classWeight")).isEqualTo(original.tables().get("output.classWeight"));
        assertThat(relaidDigest.combined()).as("only the layout differs").isNotEqualTo(original.combined());
    }
}
