package dev.kindling.core.serving.finetune;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kindling.core.serving.log.ExampleCodec;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.testing.FuzzFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Coverage-guided fuzzing of the stored job files and of the log's example records: a job's examples
 * ({@link JobExamplesFile}), its record ({@link JobRecord}) and {@link ExampleCodec}. Each may only fail with its
 * documented exception ({@link JobFormatException}; {@link IllegalStateException} for a log record) and a
 * message. When the input's first byte is odd the harness seals it with a correct checksum, so mutations reach
 * the parser behind the checksum instead of stopping at it. What reads back is valid and encodes to the same form.
 */
class JobFilesFuzzTest {

    private static final Path DIR = FuzzFiles.scratch("jobs");

    @FuzzTest(maxDuration = "10s")
    void examplesFile(byte[] input) throws IOException {
        byte[] data = input;
        if (input.length > 0 && (input[0] & 1) == 1 && input.length >= 4) {
            // Sealed: everything but the last 4 bytes, then their CRC32C (big-endian, as the writer puts it).
            data = input.clone();
            CRC32C crc = new CRC32C();
            crc.update(data, 0, data.length - 4);
            ByteBuffer.wrap(data).putInt(data.length - 4, (int) crc.getValue());
        }
        Path file = DIR.resolve("examples.bin");
        Files.write(file, data);
        List<LabelledExample> examples;
        try {
            examples = JobExamplesFile.read(file);
        } catch (JobFormatException e) {
            FuzzFiles.requireMessage(e);
            return;
        }
        if (examples.isEmpty()) {
            throw new AssertionError("a job file read back without examples");
        }
        // Writing what was read gives a file that reads back the same.
        Path again = DIR.resolve("again.bin");
        JobExamplesFile.write(again, examples);
        if (!JobExamplesFile.read(again).equals(examples)) {
            throw new AssertionError("examples change when written and read again");
        }
    }

    @FuzzTest(maxDuration = "10s")
    void jobRecord(byte[] input) {
        byte[] data = input;
        if (input.length > 0 && (input[0] & 1) == 1) {
            // Sealed: the input, a newline, then the checksum line over it.
            byte[] body = Arrays.copyOf(input, input.length + 1);
            body[input.length] = '\n';
            CRC32C crc = new CRC32C();
            crc.update(body);
            byte[] trailer = ("checksum=" + HexFormat.of().toHexDigits((int) crc.getValue()) + "\n").getBytes(StandardCharsets.UTF_8);
            data = Arrays.copyOf(body, body.length + trailer.length);
            System.arraycopy(trailer, 0, data, body.length, trailer.length);
        }
        JobRecord r;
        try {
            r = JobRecord.decode(data, "job.properties");
        } catch (JobFormatException e) {
            FuzzFiles.requireMessage(e);
            return;
        }
        JobRecord again;
        try {
            again = JobRecord.decode(r.encode(), "again");
        } catch (JobFormatException e) {
            throw new AssertionError("a record that was read cannot be read after writing it again: " + e.getMessage(), e);
        }
        if (!again.equals(r)) {
            throw new AssertionError("record changes when written and read again: " + r + " vs " + again);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void exampleRecord(FuzzedDataProvider data) {
        byte[] payload = data.consumeRemainingAsBytes();
        ExampleCodec.Logged logged;
        try {
            logged = ExampleCodec.decodeLogged(payload);
        } catch (IllegalStateException e) {
            FuzzFiles.requireMessage(e);
            return;
        }
        byte[] encoded = ExampleCodec.encode(logged.example(), logged.position());
        if (!ExampleCodec.decodeLogged(encoded).equals(logged)) {
            throw new AssertionError("example record changes when encoded again: " + logged);
        }
    }
}
