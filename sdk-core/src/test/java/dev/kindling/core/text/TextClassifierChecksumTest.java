package dev.kindling.core.text;

import dev.kindling.core.io.LogCapture;
import dev.kindling.core.io.MappedVerification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model files carry CRC32C checksums of their header and each table, verified on load: damage anywhere
 * fails the load with a message naming what is damaged, instead of serving NaN or one label for every
 * text. Files written before checksums still load, unverified, with an INFO saying so.
 */
class TextClassifierChecksumTest {

    @TempDir
    Path dir;
    private TextClassifier model;
    private byte[] saved;

    @BeforeEach
    void save() throws IOException {
        model = SupervisedTrainer.train(TextTestData.parsed(TextTestData.lines(6, 10, 4)), TextClassifierTest.ARGS, null);
        Path file = dir.resolve("model.bin");
        model.save(file);
        saved = Files.readAllBytes(file);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static IOException assertLoadFails(Path file, TablePlacement placement) {
        return assertThrows(IOException.class, () -> TextClassifier.load(file, placement), placement.toString());
    }

    /** The reproduction: 8 KB overwritten inside the input table. */
    @Test
    void aDamagedTableIsDetectedWhereverTheTableLives() throws IOException {
        byte[] b = saved.clone();
        int at = ModelFiles.dataStart(b) + 4096;
        byte[] junk = new byte[8192];
        new Random(1).nextBytes(junk);
        System.arraycopy(junk, 0, b, at, junk.length);
        Path damaged = write("damaged-table.bin", b);
        for (TablePlacement placement : TablePlacement.values()) {
            IOException e = assertLoadFails(damaged, placement);
            assertTrue(e.getMessage().contains(damaged.toString()) && e.getMessage().contains("tensor 'input' (bytes " + ModelFiles.dataStart(b))
                    && e.getMessage().contains("does not match its checksum"), e.getMessage());
        }
    }

    @Test
    void aDamagedOutputTableIsDetected() throws IOException {
        byte[] b = saved.clone();
        b[ModelFiles.footerStart(b) - 3] ^= 0x10;   // inside the last tensor, the output layer's biases
        IOException e = assertLoadFails(write("damaged-output.bin", b), TablePlacement.HEAP);
        assertTrue(e.getMessage().contains("tensor 'output.nodeBias'") && e.getMessage().contains("checksum"), e.getMessage());
    }

    /** One flipped bit in a label's name parses fine: only the checksum can tell. */
    @Test
    void aDamagedHeaderIsDetectedBeforeItIsParsed() throws IOException {
        byte[] b = saved.clone();
        b[ModelFiles.inHeader(b, "__label__L3") + 9] ^= 0x01;   // L3 -> M3
        for (TablePlacement placement : TablePlacement.values()) {
            IOException e = assertLoadFails(write("damaged-header.bin", b), placement);
            assertTrue(e.getMessage().contains("its header (bytes 0.." + ModelFiles.dataStart(b) + ") does not match its checksum"),
                    e.getMessage());
        }
        byte[] version = saved.clone();
        version[ModelFiles.MAGIC_LENGTH + 8 + 3] ^= 0x01;   // version 3 -> 2, which would skip the checksums
        IOException e = assertLoadFails(write("damaged-version.bin", version), TablePlacement.HEAP);
        assertTrue(e.getMessage().contains("header") && e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void aDamagedFooterIsDetected() throws IOException {
        byte[] b = saved.clone();
        b[b.length - 2] ^= 0x01;   // the footer's magic: the file no longer says it has checksums
        IOException e = assertLoadFails(write("damaged-footer.bin", b), TablePlacement.HEAP);
        assertTrue(e.getMessage().contains("does not end in its checksum footer"), e.getMessage());
        byte[] crc = saved.clone();
        crc[ModelFiles.footerStart(crc)] ^= 0x01;   // the input table's recorded checksum
        e = assertLoadFails(write("damaged-crc.bin", crc), TablePlacement.HEAP);
        assertTrue(e.getMessage().contains("tensor 'input'"), e.getMessage());
    }

    @Test
    void aFileWithoutChecksumsLoadsUnverifiedWithAnInfo() throws Exception {
        // A model written by an early release (format 1, no checksums), committed with its answers.
        Path old = Path.of(getClass().getResource("/models/v1-hsm.bin").toURI());
        try (LogCapture logged = LogCapture.of(TextClassifierFile.class)) {
            TextClassifier loaded = TextClassifier.load(old);
            assertTrue(loaded.dictionary().labelCount() > 0);
            List<String> info = logged.at(Level.INFO);
            assertEquals(1, info.size(), info.toString());
            assertTrue(info.getFirst().contains(old.toString()) && info.getFirst().contains("unverified"), info.getFirst());
        }
    }

    /** The documented opt-out for very large mapped tables: the table's pages are not read, the header still is. */
    @Test
    void mappedLoadingCanSkipTheTableButNeverTheHeader() throws IOException {
        byte[] b = saved.clone();
        b[ModelFiles.dataStart(b) + 100] ^= 0x40;
        Path damagedTable = write("damaged-mapped.bin", b);
        try (LogCapture logged = LogCapture.of(TextClassifierFile.class)) {
            TextClassifier loaded = TextClassifier.load(damagedTable, TablePlacement.MAPPED, MappedVerification.SKIP);
            assertEquals(model.dictionary().labelCount(), loaded.dictionary().labelCount());
            assertTrue(logged.at(Level.INFO).getFirst().contains("unverified"), logged.at(Level.INFO).toString());
        }
        byte[] h = saved.clone();
        h[ModelFiles.inHeader(h, "__label__L3") + 9] ^= 0x01;
        assertThrows(IOException.class, () -> TextClassifier.load(write("damaged-mapped-header.bin", h), TablePlacement.MAPPED,
                MappedVerification.SKIP));
    }

    @Test
    void anIntactFileLoadsTheSameModelEveryWay() throws IOException {
        Path file = dir.resolve("model.bin");
        for (TablePlacement placement : TablePlacement.values()) {
            TextClassifier loaded = TextClassifier.load(file, placement);
            assertEquals(model.predict("key4_0 key4_2", 2, 0f), loaded.predict("key4_0 key4_2", 2, 0f), placement.toString());
        }
    }
}
