package dev.kindling.core.io;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.testing.FuzzFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the safetensors reader and its JSON parser (outside bytes: PyTorch's files, anyone's).
 * The only acceptable failure is a {@link CheckpointFormatException} with a message (the JSON parser alone: an
 * {@link IllegalArgumentException}); a file that opens loads every tensor, maps every F32 one, and keeps what
 * the header promised. {@code scripts/fuzz.sh SafetensorsFuzzTest#openAndLoad 300} fuzzes; a normal build runs
 * the saved inputs under {@code SafetensorsFuzzTestInputs/}.
 */
class SafetensorsFuzzTest {

    private static final Path DIR = FuzzFiles.scratch("safetensors");

    @FuzzTest(maxDuration = "10s")
    void openAndLoad(byte[] data) throws IOException {
        Path file = DIR.resolve("f.safetensors");
        Files.write(file, data);
        SafetensorsFile f;
        try {
            f = SafetensorsFile.open(file);
        } catch (CheckpointFormatException e) {
            FuzzFiles.requireMessage(e);
            return;
        }
        for (SafetensorsFile.Entry e : f.entries().values()) {
            Tensor t;
            try {
                t = f.load(e.name());
            } catch (CheckpointFormatException bad) {
                // A tensor's own checksum is checked when it is read.
                FuzzFiles.requireMessage(bad);
                continue;
            }
            if (!java.util.Arrays.equals(t.shape(), e.shape())) {
                throw new AssertionError("tensor " + e.name() + " loaded with shape " + java.util.Arrays.toString(t.shape()));
            }
            if (e.dtype() == SafetensorsFile.DType.F32 && e.fileOffset() % Float.BYTES == 0) {
                try {
                    f.map(e.name());
                } catch (CheckpointFormatException bad) {
                    FuzzFiles.requireMessage(bad);
                }
            }
        }
    }

    @FuzzTest(maxDuration = "10s")
    void json(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            Object v = Json.parse(text);
            // What parses is one of the documented types, and a string survives quoting.
            if (v != null && !(v instanceof Map || v instanceof List || v instanceof String || v instanceof Long || v instanceof Double
                    || v instanceof Boolean)) {
                throw new AssertionError("unexpected JSON value type " + v.getClass());
            }
            if (v instanceof String s && !Json.parse(Json.quote(s)).equals(s)) {
                throw new AssertionError("quoting does not round-trip " + s);
            }
        } catch (IllegalArgumentException e) {
            FuzzFiles.requireMessage(e);
        }
    }
}
