package dev.kindling.core.io;

import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Reads and writes the safetensors format (float32 tensors), so that PyTorch reads what Kindling
 * writes and the other way round. Kindling records CRC32C checksums of the header and of each tensor in
 * {@code __metadata__} ({@link SafetensorsChecksums}), verified whenever the file is read.
 *
 * <p>Writes are atomic: the file is written under a temporary name in the target directory, forced to
 * disk, renamed over the target, and the directory is forced. A crash at any point leaves either the
 * old file or the new one, never a mixture.
 */
public final class Safetensors {

    /** The tensors and metadata of a file loaded whole. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    private static final int CHUNK = 1 << 22;

    private Safetensors() {
    }

    /** Loads every tensor of {@code path} as a float32 CPU tensor, after validating the whole header. */
    public static Contents read(Path path) throws IOException {
        SafetensorsFile f = SafetensorsFile.open(path);
        return new Contents(f.loadAll(), f.metadata());
    }

    /**
     * Writes {@code tensors} (any device; copied to the host as needed) and string metadata atomically, with
     * checksums (metadata keys starting {@code kindling.crc32c.} are reserved for them).
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        if (!ByteOrder.nativeOrder().equals(ByteOrder.LITTLE_ENDIAN)) {
            throw new UnsupportedOperationException("safetensors I/O needs a little-endian platform");
        }
        byte[] header = header(tensors, SafetensorsChecksums.withPlaceholders(metadata, tensors.keySet()));
        AtomicFiles.replace(path, ch -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            AtomicFiles.writeFully(ch, len);
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(header));
            ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
            Map<String, Integer> crcs = new LinkedHashMap<>();
            Iterator<String> names = tensors.keySet().iterator();
            for (Tensor t : tensors.values()) {
                crcs.put(names.next(), writeTensor(ch, t.device().isCpu() ? t : t.to(Device.CPU), chunk));
            }
            // The checksums are known now: fill them into the header, whose length does not change.
            ByteBuffer sealed = ByteBuffer.wrap(SafetensorsChecksums.seal(header, crcs));
            while (sealed.hasRemaining()) {
                ch.write(sealed, 8 + sealed.position());
            }
        });
    }

    private static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        if (metadata != null && !metadata.isEmpty()) {
            sb.append("\"__metadata__\":{");
            boolean f = true;
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                sb.append(f ? "" : ",").append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
                f = false;
            }
            sb.append('}');
            first = false;
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__") || e.getKey().isEmpty()) {
                throw new IllegalArgumentException("invalid tensor name '" + e.getKey() + "'");
            }
            Tensor t = e.getValue();
            long bytes = t.numel() * Float.BYTES;
            sb.append(first ? "" : ",").append(Json.quote(e.getKey())).append(":{\"dtype\":\"F32\",\"shape\":[");
            int[] shape = t.shape();
            for (int i = 0; i < shape.length; i++) {
                sb.append(i == 0 ? "" : ",").append(shape[i]);
            }
            sb.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
            first = false;
        }
        sb.append('}');
        // Pad with spaces so the data section starts 8-byte aligned (lets readers map it in place).
        while ((sb.toString().getBytes(StandardCharsets.UTF_8).length) % 8 != 0) {
            sb.append(' ');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Writes one tensor's data; returns its CRC32C. */
    private static int writeTensor(FileChannel ch, Tensor t, ByteBuffer chunk) throws IOException {
        MemorySegment src = t.segment();
        MemorySegment buf = MemorySegment.ofBuffer(chunk.clear());
        long pos = t.offset() * Float.BYTES;
        long end = pos + t.numel() * Float.BYTES;
        CRC32C crc = new CRC32C();
        while (pos < end) {
            int n = (int) Math.min(CHUNK, end - pos);
            MemorySegment.copy(src, pos, buf, 0, n);
            chunk.clear().limit(n);
            crc.update(chunk.duplicate());
            AtomicFiles.writeFully(ch, chunk);
            pos += n;
        }
        return (int) crc.getValue();
    }
}
