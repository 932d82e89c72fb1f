package dev.kindling.core.io;

import dev.kindling.core.nn.Linear;
import dev.kindling.core.nn.ReLU;
import dev.kindling.core.nn.Sequential;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Safetensors files Kindling writes carry CRC32C checksums as plain string metadata (so other readers,
 * PyTorch's among them, read them as before); damage to a tensor or to the header is detected on read.
 */
class SafetensorsChecksumTest {

    @TempDir
    Path dir;

    private Path written() throws IOException {
        Random rng = new Random(5);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("emb.weight", Tensor.randn(rng, 1f, 300, 8));
        tensors.put("head.bias", Tensor.randn(rng, 1f, 3));
        Path f = dir.resolve("m.safetensors");
        Safetensors.write(f, tensors, Map.of("format", "pt"));
        return f;
    }

    private static byte[] header(byte[] file) {
        long len = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        return java.util.Arrays.copyOfRange(file, 8, 8 + (int) len);
    }

    @Test
    void checksumsAreStringMetadataAndStayOutOfTheCallersMetadata() throws IOException {
        Path f = written();
        @SuppressWarnings("unchecked")
        Map<String, Object> meta = (Map<String, Object>) ((Map<String, Object>) Json.parse(new String(header(Files.readAllBytes(f)),
                StandardCharsets.UTF_8))).get("__metadata__");
        assertEquals("pt", meta.get("format"));
        for (String key : List.of("kindling.crc32c.header", "kindling.crc32c.tensor.emb.weight", "kindling.crc32c.tensor.head.bias")) {
            assertTrue(meta.get(key) instanceof String s && s.matches("[0-9a-f]{8}"), key + " = " + meta.get(key));
        }
        SafetensorsFile file = SafetensorsFile.open(f);
        assertTrue(file.checksummed());
        assertEquals(Map.of("format", "pt"), file.metadata());
        assertEquals(Crc32c.hex(Crc32c.of(file.load("head.bias").segment().asSlice(0, 12))), meta.get("kindling.crc32c.tensor.head.bias"));
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(dir.resolve("x.safetensors"),
                Map.of("t", Tensor.zeros(2)), Map.of("kindling.crc32c.header", "0")), "the checksum keys are reserved");
    }

    @Test
    void aDamagedTensorIsDetectedOnEveryRead() throws IOException {
        Path f = written();
        byte[] b = Files.readAllBytes(f);
        int dataStart = 8 + header(b).length;
        b[dataStart + 4000] ^= 0x01;
        Files.write(f, b);
        SafetensorsFile file = SafetensorsFile.open(f);   // the header is intact
        for (Runnable read : List.<Runnable>of(() -> load(file, "emb.weight"), () -> map(file, "emb.weight"),
                () -> readAll(f))) {
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, read::run);
            assertTrue(e.getMessage().contains(f + " is corrupt: tensor 'emb.weight' (bytes " + dataStart + "..")
                    && e.getMessage().contains("does not match its checksum"), e.getMessage());
        }
        assertEquals(3, file.load("head.bias").numel(), "the intact tensor still loads");
        assertEquals(2400, file.map("emb.weight", MappedVerification.SKIP).numel(), "the documented opt-out maps it unverified");

        Random rng = new Random(1);
        Sequential<Tensor> module = Sequential.of(new Linear(6, 4, true, rng), new ReLU(), new Linear(4, 3, true, rng));
        Path ckpt = dir.resolve("mlp.safetensors");
        Checkpoints.save(module, ckpt, Map.of());
        byte[] c = Files.readAllBytes(ckpt);
        c[c.length - 5] ^= 0x20;
        Files.write(ckpt, c);
        float[] before = module.namedParameters().get("2.bias").value().toArray();
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.load(module, ckpt));
        assertTrue(e.getMessage().contains("tensor '2.bias'"), e.getMessage());
        assertArrayEquals(before, module.namedParameters().get("2.bias").value().toArray(), "a failed load changes nothing");
    }

    /** "pt" becomes "pu": still valid JSON, only the checksum can tell. */
    @Test
    void aDamagedHeaderIsDetectedBeforeItIsParsed() throws IOException {
        Path f = written();
        byte[] b = Files.readAllBytes(f);
        String h = new String(header(b), StandardCharsets.UTF_8);
        b[8 + h.indexOf("\"pt\"") + 2] = 'u';
        Files.write(f, b);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> SafetensorsFile.open(f));
        assertTrue(e.getMessage().contains("its header") && e.getMessage().contains("does not match its checksum"), e.getMessage());

        Path shape = written();
        byte[] s = Files.readAllBytes(shape);
        String sh = new String(header(s), StandardCharsets.UTF_8);
        s[8 + sh.indexOf("\"shape\":[3]") + 9] = '2';   // head.bias [3] -> [2]: the layout check would see a hole, the checksum first
        Files.write(shape, s);
        e = assertThrows(CheckpointFormatException.class, () -> SafetensorsFile.open(shape));
        assertTrue(e.getMessage().contains("does not match its checksum"), e.getMessage());

        Path key = written();
        byte[] k = Files.readAllBytes(key);
        String kh = new String(header(k), StandardCharsets.UTF_8);
        k[8 + kh.indexOf("kindling.crc32c.header") + 3] ^= 0x01;   // the header checksum's own key
        Files.write(key, k);
        e = assertThrows(CheckpointFormatException.class, () -> SafetensorsFile.open(key));
        assertTrue(e.getMessage().contains("is corrupt"), e.getMessage());
    }

    @Test
    void aFileWithoutChecksumsIsReadUnverifiedWithAnInfo() throws IOException {
        String json = "{\"__metadata__\":{\"format\":\"pt\"},\"f\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        Path f = dir.resolve("torch.safetensors");
        Files.write(f, ByteBuffer.allocate(8 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h)
                .putFloat(1.5f).putFloat(-2f).array());
        try (LogCapture logged = LogCapture.of(SafetensorsFile.class)) {
            SafetensorsFile file = SafetensorsFile.open(f);
            assertFalse(file.checksummed());
            assertArrayEquals(new float[]{1.5f, -2f}, file.load("f").toArray());
            assertTrue(logged.at(Level.INFO).getFirst().contains("unverified"), logged.at(Level.INFO).toString());
        }
    }

    private static void load(SafetensorsFile f, String name) {
        try {
            f.load(name);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void map(SafetensorsFile f, String name) {
        try {
            f.map(name);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void readAll(Path f) {
        try {
            Safetensors.read(f);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
