package dev.kindling.core.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model file whose header counts or tensor shapes are corrupt is refused with an IOException naming
 * the problem, before anything is sized by the corrupt value (no NegativeArraySizeException, no
 * OutOfMemoryError from a huge array). The header checksum is recomputed after each patch, as a hostile
 * writer would: the parser itself must refuse what the header says (damage is {@link TextClassifierChecksumTest}'s).
 */
class TextClassifierCorruptFileTest {

    @TempDir
    Path dir;

    @Test
    void corruptCountsAndShapesAreRejectedWithoutHugeAllocations() throws IOException {
        TextClassifier m = SupervisedTrainer.train(TextTestData.parsed(TextTestData.lines(12, 10, 4)), TextClassifierTest.ARGS, null);
        Path file = dir.resolve("model.bin");
        m.save(file);
        byte[] bytes = Files.readAllBytes(file);
        String[] words = m.dictionary().wordsArray();
        String[] labels = m.dictionary().labelsArray();
        int wordCount = find(bytes, countThenString(words.length, words[0]));
        int labelCount = find(bytes, countThenString(labels.length, labels[0]));
        int inputShape = find(bytes, shapeOf("input", 2)) + 2 + "input".length() + 4;

        for (int value : new int[]{Integer.MAX_VALUE, -1, 400_000_000}) {
            for (int at : new int[]{wordCount, labelCount}) {
                IOException e = assertThrows(IOException.class, () -> TextClassifier.load(patched(bytes, at, value)));
                assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
            }
        }
        IOException e = assertThrows(IOException.class, () -> TextClassifier.load(patched(bytes, inputShape, 1 << 30)));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("input"), e.getMessage());
        e = assertThrows(IOException.class, () -> TextClassifier.load(patched(bytes, inputShape, 1 << 30),
                TablePlacement.MAPPED));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("input"), e.getMessage());
        e = assertThrows(IOException.class, () -> TextClassifier.load(patched(bytes, inputShape - 4, -7)));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    }

    private Path patched(byte[] original, int at, int value) throws IOException {
        byte[] b = original.clone();
        ByteBuffer.wrap(b).putInt(at, value);
        Path p = dir.resolve("corrupt.bin");
        Files.write(p, ModelFiles.resealHeader(b));
        return p;
    }

    private static byte[] countThenString(int count, String s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(count);
        out.writeUTF(s);
        return bytes.toByteArray();
    }

    private static byte[] shapeOf(String name, int rank) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeUTF(name);
        out.writeInt(rank);
        return bytes.toByteArray();
    }

    private static int find(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("pattern not found in the model file");
    }
}
