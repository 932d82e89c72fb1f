package dev.kindling.core.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The CRC32C checksums Kindling records in a safetensors file's {@code __metadata__} (string values, so
 * PyTorch and other readers load the file as before): {@code kindling.crc32c.tensor.<name>} per tensor,
 * over its data bytes, and {@code kindling.crc32c.header} over the 8-byte length and the header bytes as
 * written, with that one value read as {@code 00000000}. Values are 8 hex digits, so the header is written
 * with placeholders first and sealed in place once the data's checksums are known.
 */
final class SafetensorsChecksums {

    static final String PREFIX = "kindling.crc32c.";
    static final String HEADER_KEY = PREFIX + "header";
    private static final String TENSOR_PREFIX = PREFIX + "tensor.";
    private static final String PLACEHOLDER = "00000000";

    private SafetensorsChecksums() {
    }

    static String tensorKey(String tensor) {
        return TENSOR_PREFIX + tensor;
    }

    /** {@code metadata} plus a placeholder per checksum; the reserved prefix is refused in callers' keys. */
    static Map<String, String> withPlaceholders(Map<String, String> metadata, Collection<String> tensors) {
        Map<String, String> out = new LinkedHashMap<>();
        if (metadata != null) {
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey().startsWith(PREFIX)) {
                    throw new IllegalArgumentException("metadata key '" + e.getKey() + "' uses the prefix " + PREFIX
                            + ", which Kindling reserves for the file's checksums");
                }
                out.put(e.getKey(), e.getValue());
            }
        }
        for (String t : tensors) {
            out.put(tensorKey(t), PLACEHOLDER);
        }
        out.put(HEADER_KEY, PLACEHOLDER);
        return out;
    }

    /** The header written with placeholders, with each tensor's checksum and then the header's own filled in. */
    static byte[] seal(byte[] header, Map<String, Integer> tensorCrcs) {
        byte[] out = header.clone();
        tensorCrcs.forEach((name, crc) -> put(out, valueAt(out, tensorKey(name)), Crc32c.hex(crc)));
        put(out, valueAt(out, HEADER_KEY), Crc32c.hex(headerCrc(out, valueAt(out, HEADER_KEY))));
        return out;
    }

    /**
     * Verifies the header checksum of raw header bytes, before they are parsed; false when the file has none
     * (written by another tool or an older Kindling).
     */
    static boolean verifyHeader(Path path, byte[] header) {
        int at = valueAt(header, HEADER_KEY);
        if (at == -1) {
            return false;
        }
        if (at == -2) {
            throw corrupt(path, "its header holds " + HEADER_KEY + " more than once");
        }
        int recorded = parseHex(path, HEADER_KEY, new String(header, at, PLACEHOLDER.length(), StandardCharsets.UTF_8));
        int computed = headerCrc(header, at);
        if (computed != recorded) {
            throw corrupt(path, "its header (bytes 0.." + (8 + header.length) + ") does not match its checksum (CRC32C "
                    + Crc32c.hex(computed) + ", the file records " + Crc32c.hex(recorded) + ")");
        }
        return true;
    }

    /**
     * Each tensor's recorded checksum, from parsed metadata: every tensor must have one when the header had its
     * checksum, and checksum entries without the header's mean the header was damaged.
     */
    static Map<String, Integer> tensorCrcs(Path path, Map<String, String> metadata, Collection<String> tensors, boolean headerVerified) {
        Map<String, Integer> crcs = new HashMap<>();
        for (String t : tensors) {
            String v = metadata.get(tensorKey(t));
            if (v == null && headerVerified) {
                throw corrupt(path, "tensor '" + t + "' has no " + tensorKey(t) + " though the header is checksummed");
            }
            if (v != null) {
                crcs.put(t, parseHex(path, tensorKey(t), v));
            }
        }
        boolean anyReserved = metadata.keySet().stream().anyMatch(k -> k.startsWith(PREFIX));
        if (!headerVerified && anyReserved) {
            throw corrupt(path, "its metadata holds Kindling checksums but not a readable " + HEADER_KEY);
        }
        long entries = metadata.keySet().stream().filter(k -> k.startsWith(TENSOR_PREFIX)).count();
        if (entries != crcs.size()) {
            throw corrupt(path, "its metadata holds checksums of tensors the header does not list");
        }
        return crcs;
    }

    /** The metadata a caller wrote (without the checksums). */
    static Map<String, String> callerMetadata(Map<String, String> metadata) {
        Map<String, String> out = new LinkedHashMap<>(metadata);
        out.keySet().removeIf(k -> k.startsWith(PREFIX));
        return out;
    }

    static CheckpointFormatException corrupt(Path path, String what) {
        return new CheckpointFormatException(path + " is corrupt: " + what + "; the file was damaged after it was written");
    }

    private static int headerCrc(byte[] header, int valueAt) {
        byte[] canonical = header.clone();
        put(canonical, valueAt, PLACEHOLDER);
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip());
        crc.update(canonical);
        return (int) crc.getValue();
    }

    /**
     * Where the 8-digit value of {@code "key":"} starts in the raw header: -1 when absent, -2 when it occurs twice.
     * Quotes inside JSON strings are escaped, so the unescaped pattern only matches a real key and its value.
     */
    private static int valueAt(byte[] header, String key) {
        byte[] needle = (Json.quote(key) + ":\"").getBytes(StandardCharsets.UTF_8);
        int found = -1;
        for (int i = 0; i + needle.length + PLACEHOLDER.length() <= header.length; i++) {
            if (matches(header, i, needle)) {
                if (found >= 0) {
                    return -2;
                }
                found = i + needle.length;
            }
        }
        return found;
    }

    private static boolean matches(byte[] haystack, int at, byte[] needle) {
        for (int j = 0; j < needle.length; j++) {
            if (haystack[at + j] != needle[j]) {
                return false;
            }
        }
        return true;
    }

    private static void put(byte[] header, int at, String hex) {
        byte[] b = hex.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, header, at, b.length);
    }

    private static int parseHex(Path path, String key, String v) {
        if (!v.matches("[0-9a-f]{8}")) {
            throw corrupt(path, key + " is '" + v + "', not 8 hex digits");
        }
        return Integer.parseUnsignedInt(v, 16);
    }
}
