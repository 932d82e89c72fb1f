package dev.kindling.core.serving.guard;

import dev.kindling.core.io.AtomicFiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's audit trail: an append-only file ({@code <model>/audit/audit.jsonl}, one JSON object per line) of who changed
 * the model, when, from where and with how many examples: feedback, jobs and rollbacks. An append returns once the
 * record is on disk (fsync; appends that arrive together share one). Kindling never rewrites or trims the file. A line
 * a crash cut short is skipped by queries. Thread-safe.
 */
public final class AuditTrail implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final Object writeLock = new Object();
    private final Object syncLock = new Object();
    private long written;
    private long synced;

    private AuditTrail(Path file, FileChannel channel, long size) {
        this.file = file;
        this.channel = channel;
        this.written = size;
        this.synced = size;
    }

    public static AuditTrail open(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        // Written only at its end (one writer at a time, from the end it had when opened): append-only without O_APPEND,
        // which excludes reading the last byte.
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        try {
            long size = ch.size();
            ch.position(size);
            if (size > 0) {
                ByteBuffer last = ByteBuffer.allocate(1);
                ch.read(last, size - 1);
                if (last.get(0) != '\n') {   // a torn last line: end it, so that the next record starts a line of its own
                    AtomicFiles.writeFully(ch, ByteBuffer.wrap(new byte[]{'\n'}));
                    ch.force(false);
                    size++;
                }
            }
            return new AuditTrail(file, ch, size);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    /** Appends {@code record} and returns once it is durable. */
    public void append(AuditRecord record) throws IOException {
        byte[] line = (FlatJson.write(fields(record)) + "\n").getBytes(StandardCharsets.UTF_8);
        long end;
        synchronized (writeLock) {
            AtomicFiles.writeFully(channel, ByteBuffer.wrap(line));
            written += line.length;
            end = written;
        }
        synchronized (syncLock) {
            if (synced >= end) {
                return;   // another append's fsync covered this record
            }
            long target;
            synchronized (writeLock) {
                target = written;
            }
            channel.force(false);
            synced = target;
        }
    }

    /** The records {@code query} selects, newest first. */
    public List<AuditRecord> query(AuditQuery query) throws IOException {
        ArrayDeque<AuditRecord> newest = new ArrayDeque<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                AuditRecord r = parse(line);
                if (r != null && query.matches(r)) {
                    newest.addFirst(r);
                    if (newest.size() > query.limit()) {
                        newest.removeLast();
                    }
                }
            }
        }
        return new ArrayList<>(newest);
    }

    private static Map<String, Object> fields(AuditRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", r.time().toString());
        m.put("action", r.action().id());
        m.put("keyId", r.keyId());
        m.put("remoteAddress", r.remoteAddress());
        m.put("examples", r.examples());
        m.put("reference", r.reference());
        m.put("detail", r.detail());
        return m;
    }

    /** A record, or null for a line that is not one (cut short by a crash). */
    private static AuditRecord parse(String line) {
        if (line.isBlank()) {
            return null;
        }
        try {
            Map<String, Object> m = FlatJson.read(line);
            return new AuditRecord(Instant.parse(FlatJson.text(m, "time")), AuditAction.of(FlatJson.text(m, "action")),
                    FlatJson.text(m, "keyId"), FlatJson.text(m, "remoteAddress"), FlatJson.number(m, "examples"), FlatJson.text(m, "reference"),
                    FlatJson.text(m, "detail"));
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
