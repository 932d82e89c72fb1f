package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.checkpoint.CheckpointStore;
import dev.kindling.core.io.CheckpointFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A damaged CURRENT file is reported by field: what it held and what it must hold. */
class CheckpointCurrentFileTest {

    @TempDir
    Path dir;

    private String errorFor(String current) throws IOException {
        CheckpointStore store = new CheckpointStore(dir);
        Files.writeString(dir.resolve("model-12-1.bin"), "model");
        Files.writeString(dir.resolve("CURRENT"), current);
        String message = assertThrows(CheckpointFormatException.class, store::current).getMessage();
        assertFalse(message.contains("null"), message);
        return message;
    }

    @Test
    void aMissingFieldIsNamed() throws IOException {
        String m = errorFor("model=model-12-1.bin\nexamplesApplied=3\nversion=2\n");
        assertTrue(m.contains("'walSequence' is missing") && m.contains("expected the lines model, walSequence"), m);
        m = errorFor("walSequence=3\nexamplesApplied=3\nversion=2\n");
        assertTrue(m.contains("'model' is missing"), m);
    }

    @Test
    void aBadNumberIsQuotedWithWhatWasExpected() throws IOException {
        String m = errorFor("model=model-12-1.bin\nwalSequence=12x\nexamplesApplied=3\nversion=2\n");
        assertTrue(m.endsWith("'walSequence' is '12x'; expected a whole number >= 0"), m);
        m = errorFor("model=model-12-1.bin\nwalSequence=12\nexamplesApplied=-1\nversion=2\n");
        assertTrue(m.contains("'examplesApplied' is '-1'"), m);
        m = errorFor("model=model-12-1.bin\nwalSequence=12\nexamplesApplied=3\nversion=\n");
        assertTrue(m.contains("'version' is empty"), m);
    }

    @Test
    void aGoodFileStillReads() throws IOException {
        CheckpointStore store = new CheckpointStore(dir);
        Files.writeString(dir.resolve("model-12-1.bin"), "model");
        Files.writeString(dir.resolve("CURRENT"), "model=model-12-1.bin\nwalSequence=12\nexamplesApplied=3\nversion=2\njobs=\n");
        CheckpointStore.Snapshot s = store.current().orElseThrow();
        assertEquals(12, s.walSequence());
        assertEquals(2, s.version());
    }
}
