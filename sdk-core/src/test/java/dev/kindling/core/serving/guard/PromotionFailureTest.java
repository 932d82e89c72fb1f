package dev.kindling.core.serving.guard;

import dev.kindling.core.text.ModelDigest;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.ModelSettings;
import dev.kindling.core.serving.model.Promotion;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.text.TablePlacement;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.TrainingArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A promotion that fails (here the full copy a {@code -loss hs} model needs, which cannot be written) leaves the last good
 * version served and learning going on; the next judgement promotes with a whole copy, equal to the learned model.
 */
class PromotionFailureTest {

    @TempDir
    Path dir;

    @Test
    void aFailedPromotionKeepsTheServedVersionAndTheNextOneCopiesTheModelWhole() throws Exception {
        ClassifierCopier real = new ClassifierCopier(dir, TablePlacement.HEAP);
        AtomicInteger copies = new AtomicInteger();
        UnaryOperator<TextClassifier> copier = c -> {
            if (copies.incrementAndGet() == 2) {
                throw new UncheckedIOException(new java.io.IOException("no space left on device"));
            }
            return real.apply(c);
        };
        ServedModel m = new ServedModel("m", ModelSettings.builder("m").build(), TestModels.train(TrainingArgs.Loss.HS));
        m.serveSeparately(copier, null, null, true, 1_000_000);
        long served = m.servingVersion();
        m.update(List.of(LabelledExample.of("nebula pulsar quasar", "astronomy")), 0.1f, 1);   // -loss hs: no delta, a full copy is due
        ValidationGate gate = new ValidationGate("m", GateSettings.defaults(), ReservoirHeldOutSet.open(dir.resolve("r.txt"), 10, 1), null,
                InstantSource.system());

        Promotion failed = gate.judgeAndPromote(m);

        assertThat(failed.outcome()).isEqualTo(Promotion.Outcome.HELD);
        assertThat(gate.lastJudgement().reason()).contains("promotion failed").contains("no space left on device");
        assertThat(m.servingVersion()).isEqualTo(served);
        assertThat(m.servingClassifier().dictionary().labelId("__label__astronomy")).isEqualTo(-1);

        Promotion next = gate.judgeAndPromote(m);

        assertThat(next.outcome()).isEqualTo(Promotion.Outcome.PROMOTED);
        assertThat(next.fullCopy()).isTrue();
        assertThat(gate.held()).isFalse();
        assertThat(ModelDigest.of(m.servingClassifier()).combined()).isEqualTo(ModelDigest.of(m.classifier()).combined());
        assertThat(m.settled().get()).as("settled both times").isEqualTo(1);
    }
}
