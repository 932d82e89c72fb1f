package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.log.ExampleCodec;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.io.AtomicFiles;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The parsed examples of a job, stored once when the job is accepted ({@code examples.bin}):
 * magic {@code KJOB}, format (int), example count (int), then per example its length (int) and its
 * {@link ExampleCodec} form, then a CRC32C (int) of everything before it; big-endian. Read whole and
 * checked before any example is used, so a damaged file fails the job instead of training part of it.
 */
final class JobExamplesFile {

    private static final int MAGIC = 0x4B4A4F42;   // "KJOB"
    private static final int FORMAT = 1;

    private JobExamplesFile() {
    }

    /** Writes {@code examples} to {@code file} atomically (temporary file, fsync, rename, directory fsync). */
    static void write(Path file, List<LabelledExample> examples) throws IOException {
        AtomicFiles.replace(file, ch -> {
            CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16),
                    new CRC32C());
            DataOutputStream out = new DataOutputStream(checked);
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeInt(examples.size());
            for (LabelledExample e : examples) {
                byte[] b = ExampleCodec.encode(e);
                out.writeInt(b.length);
                out.write(b);
            }
            out.writeInt((int) checked.getChecksum().getValue());
            out.flush();   // not close: AtomicFiles forces and closes the channel
        });
    }

    /** Reads and checks {@code file}; fails with {@link JobFormatException} naming what is wrong. */
    static List<LabelledExample> read(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), crc))) {
            if (in.readInt() != MAGIC) {
                throw new JobFormatException(file + " is not a job examples file (bad magic)");
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new JobFormatException(file + " has format " + format + "; this release reads format " + FORMAT);
            }
            int count = in.readInt();
            if (count < 1) {
                throw new JobFormatException(file + " is malformed: example count " + count);
            }
            // Decoded only once the checksum matches: damage reads as damage, not as a bad example.
            List<byte[]> records = new ArrayList<>(Math.min(count, 1 << 20));
            for (int i = 0; i < count; i++) {
                int len = in.readInt();
                if (len < 1 || len > 64 * 1024 * 1024) {
                    throw new JobFormatException(file + " is malformed: example " + i + " has length " + len);
                }
                byte[] b = in.readNBytes(len);
                if (b.length != len) {
                    throw new EOFException();
                }
                records.add(b);
            }
            int expected = (int) crc.getValue();
            if (in.readInt() != expected) {
                throw new JobFormatException(file + " is damaged: its checksum does not match its content");
            }
            if (in.read() >= 0) {
                throw new JobFormatException(file + " is malformed: unexpected bytes after the checksum");
            }
            List<LabelledExample> examples = new ArrayList<>(records.size());
            for (int i = 0; i < records.size(); i++) {
                try {
                    examples.add(ExampleCodec.decode(records.get(i)));
                } catch (IllegalStateException e) {
                    throw new JobFormatException(file + " is malformed at example " + i + ": " + e.getMessage(), e);
                }
            }
            return examples;
        } catch (EOFException e) {
            throw new JobFormatException(file + " is truncated or damaged: it ends before its checksum", e);
        }
    }
}
