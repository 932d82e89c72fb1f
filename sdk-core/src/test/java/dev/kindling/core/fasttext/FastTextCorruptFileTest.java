package dev.kindling.core.fasttext;

import dev.kindling.core.text.TablePlacement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damaged fastText files fail with a {@link FastTextFormatException} that says what was wrong and what was
 * expected, never with another exception, and never by allocating what a corrupt size declares.
 */
class FastTextCorruptFileTest {

    @TempDir
    Path dir;

    private String failure(byte[] content) throws IOException {
        Path f = dir.resolve("damaged.bin");
        Files.write(f, content);
        FastTextFormatException e = assertThrows(FastTextFormatException.class, () -> FastTextModelReader.read(f, TablePlacement.HEAP));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        return e.getMessage();
    }

    @Test
    void everyTruncationIsReportedAsTruncation() throws IOException {
        for (String model : new String[]{"hs.bin", "subword-q.ftz", "big-hs-q.ftz"}) {
            byte[] whole = Files.readAllBytes(FastTextFixtures.file(model));
            for (int cut = 8; cut < whole.length; cut += cut < 400 ? 1 : 97) {
                String m = failure(Arrays.copyOf(whole, cut));
                assertTrue(m.contains("truncated") || m.contains("ended early") || m.contains("no terminating NUL"),
                        model + " cut at " + cut + ": " + m);
            }
        }
    }

    @Test
    void wrongMagicVersionAndTrailingBytesAreNamed() throws IOException {
        byte[] whole = Files.readAllBytes(FastTextFixtures.file("softmax.bin"));
        byte[] b = whole.clone();
        b[0] ^= 1;
        assertTrue(failure(b).contains("not a fastText model"), "magic");
        b = whole.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 13);
        String m = failure(b);
        assertTrue(m.contains("version 13") && m.contains("11 and 12"), m);
        b = Arrays.copyOf(whole, whole.length + 3);
        m = failure(b);
        assertTrue(m.contains("3 unexpected bytes after the output matrix"), m);
    }

    @Test
    void absurdDeclaredSizesFailBeforeAllocating() throws IOException {
        byte[] whole = Files.readAllBytes(FastTextFixtures.file("softmax.bin"));
        int dictionary = 8 + 12 * 4 + 8;
        byte[] b = whole.clone();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(dictionary, Integer.MAX_VALUE - 1).putInt(dictionary + 4, Integer.MAX_VALUE - 2).putInt(dictionary + 8, 1);
        String m = failure(b);
        assertTrue(m.contains("claims") && m.contains("entries"), m);
        b = whole.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8, -5);   // dim
        m = failure(b);
        assertTrue(m.contains("dim -5"), m);
        b = whole.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8 + 6 * 4, 9);   // loss
        m = failure(b);
        assertTrue(m.contains("unknown loss code 9"), m);
        // The input matrix's row count, right after the dictionary and the quantized-input flag: make it huge.
        FastTextModelReader.Contents c = FastTextModelReader.readContents(FastTextFixtures.file("softmax.bin"), TablePlacement.HEAP);
        long matrix = whole.length - 4L * (c.input().numel() + c.output().numel()) - 2 * 16 - 1;
        b = whole.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong((int) matrix, 1L << 40);
        m = failure(b);
        assertTrue(m.contains("the input matrix") && (m.contains("not a valid matrix shape") || m.contains("truncated")), m);
    }

    @Test
    void wordVectorModelsAreRecognizedAndRefusedAsClassifiers() throws IOException {
        byte[] b = Files.readAllBytes(FastTextFixtures.file("softmax.bin"));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8 + 7 * 4, 2);   // model: skipgram
        String m = failure(b);
        assertTrue(m.contains("skipgram") || m.contains("sg model"), m);
    }
}
