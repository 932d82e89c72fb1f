package dev.kindling.core.io;

import dev.kindling.core.nn.EmbeddingBag;
import dev.kindling.core.nn.Linear;
import dev.kindling.core.nn.ReLU;
import dev.kindling.core.nn.Sequential;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointsTest {

    @TempDir
    Path dir;

    private static Sequential<Tensor> mlp(long seed) {
        Random rng = new Random(seed);
        return Sequential.of(new Linear(6, 4, true, rng), new ReLU(), new Linear(4, 3, true, rng));
    }

    @Test
    void saveThenLoadRestoresEveryParameter() throws IOException {
        Sequential<Tensor> a = mlp(1), b = mlp(2);
        Path f = dir.resolve("mlp.safetensors");
        Checkpoints.save(a, f, Map.of("step", "7"));
        assertEquals("7", Checkpoints.load(b, f).get("step"));
        Tensor x = Tensor.randn(new Random(3), 1f, 5, 6);
        assertArrayEquals(a.forward(x).toArray(), b.forward(x).toArray());
        assertEquals(Map.of("0.weight", 1, "0.bias", 1, "2.weight", 1, "2.bias", 1).keySet(), a.namedParameters().keySet());
    }

    @Test
    void mismatchedModelIsRejectedAndNothingIsLoaded() throws IOException {
        Path f = dir.resolve("mlp.safetensors");
        Checkpoints.save(mlp(1), f, Map.of());
        EmbeddingBag other = new EmbeddingBag(10, 4, EmbeddingBag.Mode.SUM);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.load(other, f));
        assertTrue(e.getMessage().contains("missing parameters [weight]"), e.getMessage());

        Random rng = new Random(9);
        Sequential<Tensor> wider = Sequential.of(new Linear(6, 4, true, rng), new ReLU(), new Linear(4, 5, true, rng));
        float[] before = wider.namedParameters().get("0.weight").value().toArray();
        e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.load(wider, f));
        assertTrue(e.getMessage().contains("2.weight") && e.getMessage().contains("shape"), e.getMessage());
        assertArrayEquals(before, wider.namedParameters().get("0.weight").value().toArray(), "a failed load must change nothing");
    }

    @Test
    void nanInFileIsRejected() throws IOException {
        Sequential<Tensor> a = mlp(1);
        a.namedParameters().get("2.bias").value().set(Float.NaN, 1);
        Path f = dir.resolve("nan.safetensors");
        Checkpoints.save(a, f, Map.of());
        Sequential<Tensor> b = mlp(2);
        float[] before = b.namedParameters().get("0.weight").value().toArray();
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.load(b, f));
        assertTrue(e.getMessage().contains("2.bias") && e.getMessage().contains("NaN"), e.getMessage());
        assertArrayEquals(before, b.namedParameters().get("0.weight").value().toArray());
    }
}
