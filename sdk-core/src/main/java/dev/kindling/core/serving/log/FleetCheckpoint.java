package dev.kindling.core.serving.log;

import dev.kindling.core.serving.model.ModelSnapshot;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The description of a fleet checkpoint, published once its model file is stored: what the file holds (its snapshot:
 * sequence, examples, version, job progress, digest), where in the update stream a replica that loads it goes on
 * ({@code updatesOffset}: the log position of the first update the file does not hold), the file's size and CRC32C, and
 * where the log keeps the file ({@code location}, the log's own notation). Encoded as properties text.
 */
public record FleetCheckpoint(ModelSnapshot snapshot, long updatesOffset, long fileBytes, int fileCrc, String location) {

    public FleetCheckpoint withPlacement(long updatesOffset, String location) {
        return new FleetCheckpoint(snapshot, updatesOffset, fileBytes, fileCrc, location);
    }

    public byte[] encode() {
        StringBuilder jobs = new StringBuilder();
        new TreeMap<>(snapshot.jobProgress()).forEach((id, index) -> jobs.append(jobs.isEmpty() ? "" : ",").append(id).append(':').append(index));
        String text = "format=1\nsequence=" + snapshot.appliedSequence() + "\nexamples=" + snapshot.examplesApplied() + "\nversion="
                + snapshot.version() + "\njobs=" + jobs + "\ndigest=" + snapshot.digest() + "\nupdatesOffset=" + updatesOffset + "\nfileBytes="
                + fileBytes + "\nfileCrc=" + Integer.toHexString(fileCrc) + "\nlocation=" + location + "\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** @throws IllegalArgumentException when the bytes are not a checkpoint description, naming the bad field */
    public static FleetCheckpoint decode(byte[] data) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(data, StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a fleet checkpoint description: " + e.getMessage(), e);
        }
        if (!"1".equals(p.getProperty("format"))) {
            throw new IllegalArgumentException("fleet checkpoint description of format '" + p.getProperty("format") + "'; this release reads 1");
        }
        Map<String, Long> jobs = new HashMap<>();
        String js = p.getProperty("jobs", "");
        for (String pair : js.isBlank() ? new String[0] : js.split(",")) {
            int colon = pair.lastIndexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("fleet checkpoint description: bad job progress '" + pair + "'");
            }
            jobs.put(pair.substring(0, colon), number(pair.substring(colon + 1), "jobs"));
        }
        String digest = required(p, "digest");
        ModelSnapshot s = new ModelSnapshot(number(required(p, "sequence"), "sequence"), number(required(p, "examples"), "examples"),
                number(required(p, "version"), "version"), jobs, digest);
        int crc;
        try {
            crc = Integer.parseUnsignedInt(required(p, "fileCrc"), 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fleet checkpoint description: fileCrc is not hexadecimal", e);
        }
        return new FleetCheckpoint(s, number(required(p, "updatesOffset"), "updatesOffset"), number(required(p, "fileBytes"), "fileBytes"), crc,
                required(p, "location"));
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("fleet checkpoint description lacks '" + key + "'");
        }
        return v.trim();
    }

    private static long number(String v, String key) {
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) {
                throw new NumberFormatException("negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fleet checkpoint description: '" + key + "' is not a count: " + v, e);
        }
    }
}
