package dev.kindling.core.io;

import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {

    @TempDir
    Path dir;

    @Test
    void roundTripKeepsValuesShapesAndMetadata() throws IOException {
        Random rng = new Random(1);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("emb.weight", Tensor.randn(rng, 1f, 37, 5));
        in.put("b", Tensor.randn(rng, 1f, 3));
        in.put("empty", Tensor.zeros(0, 4));
        in.put("off-heap", Tensor.offHeap(2, 2));
        in.get("off-heap").set(7.5f, 1, 1);
        Path f = dir.resolve("m.safetensors");
        Safetensors.write(f, in, Map.of("format", "pt", "note", "quote \" and \\ and\nnewline"));
        Safetensors.Contents out = Safetensors.read(f);
        assertEquals(List.copyOf(in.keySet()), List.copyOf(out.tensors().keySet()));
        for (String name : in.keySet()) {
            assertArrayEquals(in.get(name).shape(), out.tensors().get(name).shape(), name);
            assertArrayEquals(in.get(name).toArray(), out.tensors().get(name).toArray(), name);
        }
        assertEquals("quote \" and \\ and\nnewline", out.metadata().get("note"));
        assertEquals(0, (Files.size(f) - 8 - headerLength(f)) % 4);
        assertEquals(0, (8 + headerLength(f)) % 8, "data section should start 8-byte aligned");
    }

    @Test
    void mappedTensorReadsWithoutCopyAndRejectsWrites() throws IOException {
        Tensor t = Tensor.randn(new Random(2), 1f, 64, 8);
        Path f = dir.resolve("t.safetensors");
        Safetensors.write(f, Map.of("t", t), Map.of());
        Tensor mapped = SafetensorsFile.open(f).map("t");
        assertArrayEquals(t.toArray(), mapped.toArray());
        assertThrows(UnsupportedOperationException.class, () -> mapped.set(1f, 0, 0));
    }

    /** A file laid out by hand exactly as the format's specification describes (what PyTorch's writer emits). */
    @Test
    void readsHandWrittenFileWithOtherDtypes() throws IOException {
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[16,20]},"
                + "\"z\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[20,22]},"
                + "\"f\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[22,26]}}";
        ByteBuffer data = ByteBuffer.allocate(26).order(ByteOrder.LITTLE_ENDIAN);
        data.putDouble(1.25).putDouble(-3.5);
        data.putShort(Float.floatToFloat16(0.5f)).putShort(Float.floatToFloat16(-2f));
        data.putShort((short) (Float.floatToIntBits(3f) >>> 16));
        data.putFloat(42f);
        Path f = file(header, data.array());
        Safetensors.Contents c = Safetensors.read(f);
        assertArrayEquals(new float[]{1.25f, -3.5f}, c.tensors().get("a").toArray());
        assertArrayEquals(new float[]{0.5f, -2f}, c.tensors().get("h").toArray());
        assertArrayEquals(new float[]{3f}, c.tensors().get("z").toArray());
        assertEquals(42f, c.tensors().get("f").get(0, 0));
        assertEquals("pt", c.metadata().get("format"));
    }

    @Test
    void rejectsMalformedAndHostileFiles() throws IOException {
        byte[] four = new byte[16];
        assertBad(rawFile(new byte[]{1, 2, 3}), "shorter than");
        assertBad(withLength(Long.MAX_VALUE, new byte[8]), "header length");
        assertBad(withLength(1L << 40, new byte[8]), "header length");
        assertBad(file("{not json", new byte[0]), "not valid JSON");
        assertBad(file("[1,2]", new byte[0]), "must be a JSON object");
        assertBad(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,1000]}}", four), "outside the data section");
        assertBad(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[5],\"data_offsets\":[0,16]}}", four), "needs 20 bytes");
        assertBad(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", four), "overlaps");
        assertBad(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", four), "hole");
        assertBad(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", four), "trailing bytes");
        assertBad(file("{\"a\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", four), "dtype I64");
        assertBad(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}", four), "shape");
        assertBad(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,16]}}", four),
                "large shape");
        assertBad(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"a\":{}}", four), "duplicate key");
        assertBad(file("{\"__metadata__\":{\"k\":1}}", new byte[0]), "__metadata__");
        byte[] latin = "{\"\u00e9\":1}".getBytes(StandardCharsets.ISO_8859_1);
        assertBad(withLength(latin.length, latin), "UTF-8");
    }

    @Test
    void failedWriteLeavesPreviousFileIntactAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("ckpt.safetensors");
        Tensor good = Tensor.randn(new Random(3), 1f, 10);
        Safetensors.write(f, Map.of("w", good), Map.of("v", "1"));
        byte[] before = Files.readAllBytes(f);
        Map<String, Tensor> failing = new FailingMap(Tensor.randn(new Random(4), 1f, 1000));
        assertThrows(IllegalStateException.class, () -> Safetensors.write(f, failing, Map.of("v", "2")));
        assertArrayEquals(before, Files.readAllBytes(f));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f.getFileName().toString()), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    private void assertBad(Path f, String fragment) {
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().contains(fragment), () -> "message '" + e.getMessage() + "' should mention '" + fragment + "'");
    }

    private Path file(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return rawFile(b.array());
    }

    private Path withLength(long len, byte[] rest) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(len).put(rest);
        return rawFile(b.array());
    }

    private int counter;

    private Path rawFile(byte[] bytes) throws IOException {
        Path f = dir.resolve("bad" + (counter++) + ".safetensors");
        Files.write(f, bytes);
        return f;
    }

    private static long headerLength(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        return ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** Yields one tensor for the header, then fails while the data is being written, as a crash would. */
    private static final class FailingMap extends AbstractMap<String, Tensor> {
        private final Tensor t;
        private int valueIterations;

        FailingMap(Tensor t) {
            this.t = t;
        }

        @Override
        public Set<Entry<String, Tensor>> entrySet() {
            return Set.of(Map.entry("w", t));
        }

        @Override
        public java.util.Collection<Tensor> values() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Tensor> iterator() {
                    if (valueIterations++ >= 0) {
                        throw new IllegalStateException("simulated crash while writing tensor data");
                    }
                    return List.of(t).iterator();
                }

                @Override
                public int size() {
                    return 1;
                }
            };
        }
    }
}
