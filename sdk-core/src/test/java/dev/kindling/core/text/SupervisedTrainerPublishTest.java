package dev.kindling.core.text;

import dev.kindling.core.hsm.HierarchicalSoftmax;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Hogwild trainer publishes every thread's pending output-layer updates when the thread finishes. */
class SupervisedTrainerPublishTest {

    @Test
    void threadsThatTrainFewerExamplesThanThePublishPeriodStillUpdateTheClusterLayer() {
        List<String> lines = TextTestData.lines(24, 1, 7);
        int threads = 2;
        assertTrue(lines.size() / threads < SupervisedTrainer.CLUSTER_PUBLISH_EVERY, "each thread must stay below one publish period");
        TrainingArgs args = TextClassifierTest.ARGS.withLoss(TrainingArgs.Loss.HSM).withEpoch(1).withThread(threads);
        TextClassifier m = SupervisedTrainer.train(TextTestData.parsed(lines), args, null);
        HierarchicalSoftmax h = (HierarchicalSoftmax) m.output();
        assertTrue(h.mapping().clusters() >= 2, "needs a cluster layer that learns, got " + h.mapping());
        // The HSM starts at zero: any non-zero cluster weight was published, which only the final flush can do here.
        float[] w = h.clusterWeight().value().toArray();
        boolean learned = false;
        for (float v : w) {
            learned |= v != 0f;
        }
        assertTrue(learned, "the cluster layer is still all zero: pending updates were not flushed");
    }
}
