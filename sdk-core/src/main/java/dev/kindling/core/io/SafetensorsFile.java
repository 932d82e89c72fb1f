package dev.kindling.core.io;

import dev.kindling.core.backend.Backends;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * An opened safetensors file whose header has been fully validated: a little-endian u64 header length,
 * a JSON header (per tensor: dtype, shape, data_offsets relative to the data section; optional
 * {@code __metadata__} of strings), then the data. Every check happens in {@link #open} before any
 * tensor is read, so a malformed or hostile file is rejected whole with a {@link CheckpointFormatException}.
 *
 * <p>A file Kindling wrote carries CRC32C checksums ({@link SafetensorsChecksums}): the header's is verified
 * in {@link #open} before the header is parsed, a tensor's when it is loaded or mapped. Files without
 * them (another tool's, an older Kindling's) are read unverified, with an INFO saying so.
 *
 * <p>F32 tensors can be memory-mapped without copying ({@link #map}); F32, F64, F16 and BF16 tensors can
 * be loaded as float32 copies ({@link #load}).
 */
public final class SafetensorsFile {

    /** Headers larger than this are refused (the format's reference reader uses the same bound). */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    /** One tensor's header entry; offsets are absolute byte positions in the file. */
    public record Entry(String name, DType dtype, int[] shape, long fileOffset, long byteLength) {

        public long numel() {
            return Shapes.numel(shape);
        }
    }

    private static final Logger log = Logger.getLogger(SafetensorsFile.class.getName());

    private final Path path;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;
    private final boolean checksummed;
    /** Recorded CRC32C per tensor; empty for a file without checksums. */
    private final Map<String, Integer> tensorCrcs;

    private SafetensorsFile(Path path, Map<String, Entry> entries, Map<String, String> metadata, boolean checksummed,
                            Map<String, Integer> tensorCrcs) {
        this.path = path;
        this.entries = entries;
        this.metadata = metadata;
        this.checksummed = checksummed;
        this.tensorCrcs = tensorCrcs;
    }

    /** Reads and validates the header of {@code path}. */
    public static SafetensorsFile open(Path path) throws IOException {
        if (!ByteOrder.nativeOrder().equals(ByteOrder.LITTLE_ENDIAN)) {
            throw new UnsupportedOperationException("safetensors I/O needs a little-endian platform");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw bad(path, "file is " + size + " bytes, shorter than the 8-byte header length");
            }
            java.nio.ByteBuffer lenBuf = java.nio.ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
                throw bad(path, "header length " + headerLen + " is impossible for a file of " + size
                        + " bytes (must be 2.." + Math.min(MAX_HEADER_BYTES, size - 8) + ")");
            }
            java.nio.ByteBuffer hb = java.nio.ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            boolean verified = SafetensorsChecksums.verifyHeader(path, hb.array());
            if (!verified) {
                log.info(path + " has no Kindling checksums (written by another tool or an older Kindling): reading it unverified");
            }
            String json;
            try {
                json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(hb.flip()).toString();
            } catch (CharacterCodingException e) {
                throw bad(path, "header is not valid UTF-8");
            }
            return parseHeader(path, json, 8 + headerLen, size - 8 - headerLen, verified);
        }
    }

    private static SafetensorsFile parseHeader(Path path, String json, long dataStart, long dataLength, boolean verified) {
        Object root;
        try {
            root = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw bad(path, "header is not valid JSON (" + e.getMessage() + ")");
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw bad(path, "header must be a JSON object");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = Map.of();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) {
                metadata = parseMetadata(path, e.getValue());
                continue;
            }
            if (!(e.getValue() instanceof Map<?, ?> t)) {
                throw bad(path, "entry '" + name + "' must be an object with dtype, shape and data_offsets");
            }
            DType dtype = DType.parse(path, name, t.get("dtype"));
            int[] shape = parseShape(path, name, t.get("shape"));
            long[] off = parseOffsets(path, name, t.get("data_offsets"));
            if (off[0] > off[1] || off[1] > dataLength) {
                throw bad(path, "tensor '" + name + "' has data_offsets [" + off[0] + ", " + off[1]
                        + "] outside the data section of " + dataLength + " bytes");
            }
            long expected;
            try {
                expected = Math.multiplyExact(Shapes.numel(shape), (long) dtype.bytes);
            } catch (ArithmeticException ex) {
                throw bad(path, "tensor '" + name + "' has an impossibly large shape " + Shapes.str(shape));
            }
            if (off[1] - off[0] != expected) {
                throw bad(path, "tensor '" + name + "' of shape " + Shapes.str(shape) + " and dtype " + dtype + " needs "
                        + expected + " bytes but its data_offsets span " + (off[1] - off[0]));
            }
            entries.put(name, new Entry(name, dtype, shape, dataStart + off[0], off[1] - off[0]));
        }
        checkLayout(path, entries, dataStart, dataLength);
        Map<String, Integer> crcs = SafetensorsChecksums.tensorCrcs(path, metadata, entries.keySet(), verified);
        return new SafetensorsFile(path, Collections.unmodifiableMap(entries),
                Collections.unmodifiableMap(SafetensorsChecksums.callerMetadata(metadata)), verified, Map.copyOf(crcs));
    }

    /** Tensors may not overlap, and (as the format requires) must cover the data section without holes. */
    private static void checkLayout(Path path, Map<String, Entry> entries, long dataStart, long dataLength) {
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong(Entry::fileOffset).thenComparingLong(Entry::byteLength));
        long cursor = dataStart;
        for (Entry e : sorted) {
            if (e.fileOffset() < cursor) {
                throw bad(path, "tensor '" + e.name() + "' overlaps the tensor before it (starts at data byte "
                        + (e.fileOffset() - dataStart) + ", previous ends at " + (cursor - dataStart) + ")");
            }
            if (e.fileOffset() > cursor) {
                throw bad(path, "hole in the data section before tensor '" + e.name() + "' (bytes " + (cursor - dataStart)
                        + ".." + (e.fileOffset() - dataStart) + " belong to no tensor)");
            }
            cursor = e.fileOffset() + e.byteLength();
        }
        if (cursor != dataStart + dataLength) {
            throw bad(path, "data section has " + (dataStart + dataLength - cursor) + " trailing bytes that belong to no tensor");
        }
    }

    private static Map<String, String> parseMetadata(Path path, Object v) {
        if (!(v instanceof Map<?, ?> m)) {
            throw bad(path, "__metadata__ must be an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw bad(path, "__metadata__ value of '" + e.getKey() + "' must be a string");
            }
            out.put((String) e.getKey(), s);
        }
        return Collections.unmodifiableMap(out);
    }

    private static int[] parseShape(Path path, String name, Object v) {
        if (!(v instanceof List<?> list) || list.size() > 16) {
            throw bad(path, "tensor '" + name + "' needs a shape: a list of at most 16 non-negative integers");
        }
        int[] shape = new int[list.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(list.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw bad(path, "tensor '" + name + "' has a bad shape dimension " + list.get(i));
            }
            shape[i] = (int) (long) d;
        }
        return shape;
    }

    private static long[] parseOffsets(Path path, String name, Object v) {
        if (!(v instanceof List<?> list) || list.size() != 2 || !(list.get(0) instanceof Long b) || !(list.get(1) instanceof Long e)
                || b < 0 || e < 0) {
            throw bad(path, "tensor '" + name + "' needs data_offsets: two non-negative integers [begin, end]");
        }
        return new long[]{b, e};
    }

    public Path path() {
        return path;
    }

    /** Tensor entries in header order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    /** The metadata its writer gave (Kindling's checksum entries left out). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Whether the file carries checksums (its header was verified; its tensors are when read). */
    public boolean checksummed() {
        return checksummed;
    }

    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new CheckpointFormatException(path + ": no tensor named '" + name + "' (has " + entries.keySet() + ")");
        }
        return e;
    }

    /** A float32 copy of tensor {@code name} (converted from F64/F16/BF16 when stored so), on the CPU. */
    public Tensor load(String name) throws IOException {
        Entry e = entry(name);
        Tensor t = Shapes.numel(e.shape()) > Integer.MAX_VALUE - 8 ? Tensor.offHeap(e.shape()) : Tensor.zeros(e.shape());
        if (e.numel() == 0) {
            return t;
        }
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment src = ch.map(FileChannel.MapMode.READ_ONLY, e.fileOffset(), e.byteLength(), arena);
            verify(e, src);
            e.dtype().toFloat32(src, t.segment(), t.offset(), e.numel());
        }
        return t;
    }

    private void verify(Entry e, MemorySegment data) {
        Integer recorded = tensorCrcs.get(e.name());
        if (recorded == null) {
            return;
        }
        int computed = Crc32c.of(data);
        if (computed != recorded) {
            throw SafetensorsChecksums.corrupt(path, "tensor '" + e.name() + "' (bytes " + e.fileOffset() + ".." + (e.fileOffset()
                    + e.byteLength()) + ") does not match its checksum (CRC32C " + Crc32c.hex(computed) + ", the file records "
                    + Crc32c.hex(recorded) + ")");
        }
    }

    /**
     * Tensor {@code name} mapped read-only from the file, without copying (F32 only), its checksum verified
     * by reading it once. The mapping lives as long as the returned tensor is reachable; writing to it fails.
     */
    public Tensor map(String name) throws IOException {
        return map(name, MappedVerification.VERIFY);
    }

    /** As {@link #map(String)}; {@link MappedVerification#SKIP} maps it unverified, touching none of its pages. */
    public Tensor map(String name, MappedVerification check) throws IOException {
        Entry e = entry(name);
        if (e.dtype() != DType.F32) {
            throw new CheckpointFormatException(path + ": tensor '" + name + "' is " + e.dtype() + "; only F32 can be mapped, use load()");
        }
        if (e.fileOffset() % Float.BYTES != 0) {
            throw new CheckpointFormatException(path + ": tensor '" + name + "' starts at an unaligned file offset " + e.fileOffset());
        }
        Tensor t = Tensor.wrap(Backends.cpu().map(path, e.fileOffset(), e.numel(), FileChannel.MapMode.READ_ONLY, Arena.ofAuto()), 0, e.shape());
        if (check == MappedVerification.VERIFY) {
            verify(e, t.segment().asSlice(0, e.byteLength()));
        }
        return t;
    }

    /** All tensors as float32 copies, in header order. */
    public Map<String, Tensor> loadAll() throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : entries.keySet()) {
            out.put(name, load(name));
        }
        return out;
    }

    private static void readFully(FileChannel ch, java.nio.ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    static CheckpointFormatException bad(Path path, String what) {
        return new CheckpointFormatException(path + " is not a valid safetensors file: " + what);
    }

    /** Element types this reader understands. */
    public enum DType {
        F32(4), F64(8), F16(2), BF16(2);

        final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        static DType parse(Path path, String name, Object v) {
            if (v instanceof String s) {
                for (DType d : values()) {
                    if (d.name().equals(s)) {
                        return d;
                    }
                }
                throw bad(path, "tensor '" + name + "' has dtype " + s + "; supported: F32, F64, F16, BF16");
            }
            throw bad(path, "tensor '" + name + "' has no dtype string");
        }

        void toFloat32(MemorySegment src, MemorySegment dst, long dstOffset, long n) {
            switch (this) {
                case F32 -> MemorySegment.copy(src, 0, dst, dstOffset * Float.BYTES, n * Float.BYTES);
                case F64 -> {
                    ValueLayout.OfDouble f64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                    for (long i = 0; i < n; i++) {
                        dst.setAtIndex(ValueLayout.JAVA_FLOAT, dstOffset + i, (float) src.getAtIndex(f64, i));
                    }
                }
                case F16 -> {
                    ValueLayout.OfShort s16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                    for (long i = 0; i < n; i++) {
                        dst.setAtIndex(ValueLayout.JAVA_FLOAT, dstOffset + i, Float.float16ToFloat(src.getAtIndex(s16, i)));
                    }
                }
                case BF16 -> {
                    ValueLayout.OfShort s16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                    for (long i = 0; i < n; i++) {
                        dst.setAtIndex(ValueLayout.JAVA_FLOAT, dstOffset + i, Float.intBitsToFloat((src.getAtIndex(s16, i) & 0xffff) << 16));
                    }
                }
            }
        }
    }
}
