package dev.kindling.core.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a stream line by line ('\n'-terminated, a final line without '\n' counts) and decodes each line
 * as strict UTF-8, so one bad line can be reported by number instead of failing or garbling the rest.
 * Streams: works on standard input line by line.
 */
public final class Utf8Lines {

    /** A decoded line, or {@code text == null} when its bytes are not valid UTF-8. */
    public record Line(long number, String text) {
    }

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] buf = new byte[1 << 16];
    private int pos, end;
    private byte[] line = new byte[256];
    private long number;

    public Utf8Lines(InputStream in) {
        this.in = in;
    }

    /** The next line, or null at the end of the stream. */
    public Line next() throws IOException {
        int len = 0;
        boolean any = false;
        while (true) {
            if (pos == end) {
                end = in.read(buf);
                pos = 0;
                if (end <= 0) {
                    end = 0;
                    if (!any) {
                        return null;
                    }
                    break;
                }
            }
            any = true;
            byte b = buf[pos++];
            if (b == '\n') {
                break;
            }
            if (len == line.length) {
                line = Arrays.copyOf(line, line.length * 2);
            }
            line[len++] = b;
        }
        number++;
        try {
            return new Line(number, decoder.reset().decode(ByteBuffer.wrap(line, 0, len)).toString());
        } catch (CharacterCodingException e) {
            return new Line(number, null);
        }
    }
}
