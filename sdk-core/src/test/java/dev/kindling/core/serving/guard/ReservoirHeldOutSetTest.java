package dev.kindling.core.serving.guard;

import dev.kindling.core.serving.model.LabelledExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reservoir is Algorithm R however its decisions are grouped into promoted rounds: each example's slot is drawn when
 * it is offered, so committing after every example or after thousands (a long job between kept versions) keeps the same
 * set, and the same set a plain Algorithm R with the same random numbers keeps.
 */
class ReservoirHeldOutSetTest {

    private static final int CAPACITY = 50;
    private static final long SEED = 17;

    @TempDir
    Path dir;

    @Test
    void keepsWhatAlgorithmRKeepsWhateverTheRoundSizes() throws Exception {
        int examples = 5_000;
        List<Long> reference = algorithmR(examples);
        for (int round : new int[]{37, 1000, examples}) {
            ReservoirHeldOutSet r = ReservoirHeldOutSet.open(dir.resolve("r-" + round + ".txt"), CAPACITY, SEED);
            for (int i = 0; i < examples; i++) {
                r.offer(example(i));
                if ((i + 1) % round == 0 || i == examples - 1) {
                    r.promoted();
                    r.commit();
                }
            }
            assertThat(r.examples().stream().map(HeldOutExample::sequence).toList()).as("rounds of %d", round).isEqualTo(reference);
            assertThat(r.describe()).contains("sampled from " + examples);
        }
    }

    @Test
    void anUnpromotedIntervalNeverEntersTheSetAndLaterAppendsStillFillIt() throws Exception {
        ReservoirHeldOutSet r = ReservoirHeldOutSet.open(dir.resolve("held.txt"), CAPACITY, SEED);
        for (int i = 0; i < 30; i++) {
            r.offer(example(i));
        }
        r.promoted();
        for (int i = 30; i < 45; i++) {
            r.offer(example(i));   // held back: never promoted
        }
        r.commit();
        r.discardUnpromoted();
        assertThat(r.size()).isEqualTo(30);
        for (int i = 45; i < 80; i++) {
            r.offer(example(i));
        }
        r.promoted();
        r.commit();
        List<Long> kept = r.examples().stream().map(HeldOutExample::sequence).toList();
        assertThat(kept).hasSize(CAPACITY).doesNotHaveDuplicates().noneMatch(s -> s >= 30 && s < 45);
        // Reopened from its file, it holds the same examples.
        assertThat(ReservoirHeldOutSet.open(dir.resolve("held.txt"), CAPACITY, SEED).examples()).isEqualTo(r.examples());
    }

    private static HeldOutExample example(long sequence) {
        return new HeldOutExample(LabelledExample.of("text " + sequence, "l" + (sequence % 5)), sequence);
    }

    /** Algorithm R over sequences 0..n-1 with the reservoir's random numbers. */
    private static List<Long> algorithmR(int n) {
        SplittableRandom random = new SplittableRandom(SEED);
        List<Long> kept = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            if (kept.size() < CAPACITY) {
                kept.add(i);
            } else {
                long slot = random.nextLong(i + 1);
                if (slot < CAPACITY) {
                    kept.set((int) slot, i);
                }
            }
        }
        return kept;
    }
}
