package dev.kindling.spring.finetune;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The write-ahead-log form of an example: version byte, text, label count, labels (UTF-8, length-prefixed). */
final class ExampleCodec {

    private static final byte VERSION = 1;

    private ExampleCodec() {
    }

    static byte[] encode(LabelledExample e) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(e.text().length() + 32);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            writeString(out, e.text());
            out.writeShort(e.labels().size());
            for (String l : e.labels()) {
                writeString(out, l);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static LabelledExample decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte v = in.readByte();
            if (v != VERSION) {
                throw new IllegalStateException("unknown example record version " + v);
            }
            String text = readString(in);
            int n = in.readUnsignedShort();
            List<String> labels = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                labels.add(readString(in));
            }
            return new LabelledExample(text, labels);
        } catch (IOException ex) {
            throw new IllegalStateException("malformed example record in the write-ahead log", ex);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 16 * 1024 * 1024) {
            throw new IOException("bad string length " + n);
        }
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("truncated string");
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
