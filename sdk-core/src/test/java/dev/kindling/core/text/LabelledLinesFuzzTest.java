package dev.kindling.core.text;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kindling.core.serving.model.LabelledExample;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of fastText-format training lines (job uploads, {@code kindling supervised} input):
 * content never causes an exception; every line is either usable or reported bad by its number, in order; and a
 * usable line makes an example the engine accepts ({@link LabelledExample} applies the model's own rules), so
 * training never meets a line it refuses.
 */
class LabelledLinesFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void read(FuzzedDataProvider data) throws IOException {
        String prefix = data.consumeBoolean() ? "__label__" : "__" + data.consumeString(4) + "_";
        byte[] bytes = data.consumeRemainingAsBytes();
        if (prefix.isBlank() || Tokenizer.tokens(prefix).size() != 2) {
            return;   // a prefix with separators in it is not one token: the CLI and the engine never use such a prefix
        }
        LabelledLines.Result r = LabelledLines.read(new ByteArrayInputStream(bytes), prefix);
        long lines = 0;
        for (byte b : bytes) {
            lines += b == '\n' ? 1 : 0;
        }
        if (bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
            lines++;
        }
        if (r.lines().size() + r.badLines().size() != lines) {
            throw new AssertionError(r.lines().size() + " good and " + r.badLines().size() + " bad lines of " + lines);
        }
        List<Long> numbers = new ArrayList<>();
        r.lines().forEach(l -> numbers.add(l.number()));
        for (BadLine b : r.badLines()) {
            if (b.reason() == null || b.reason().isBlank()) {
                throw new AssertionError("bad line " + b.lineNumber() + " without a reason");
            }
        }
        for (int i = 1; i < numbers.size(); i++) {
            if (numbers.get(i) <= numbers.get(i - 1)) {
                throw new AssertionError("line numbers out of order: " + numbers);
            }
        }
        for (LabelledLines.Line line : r.lines()) {
            try {
                LabelledExample.fromTokens(line.tokens(), prefix);   // what a job makes of the line
            } catch (IllegalArgumentException e) {
                if (line.tokens().stream().mapToInt(t -> t.length() + 1).sum() > TextRules.MAX_CHARS) {
                    continue;   // a request limit, not a rule of the model: the job reader reports such a line as bad
                }
                throw new AssertionError("line " + line.number() + " was read as usable but the engine refuses it: " + e.getMessage(), e);
            }
        }
    }
}
