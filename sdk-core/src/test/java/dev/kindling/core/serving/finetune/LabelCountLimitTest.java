package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.log.ExampleCodec;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.text.LabelRules;
import dev.kindling.core.text.LabelledLines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The labels of one example are bounded: a feedback request with 70,000 labels used to be acknowledged, but the log
 * record counts labels in an unsigned short, so it decoded as garbage and was set aside, never applied. At most
 * {@link LabelRules#MAX_LABELS_PER_EXAMPLE}; the most allowed round-trip through the log record and the job file.
 */
class LabelCountLimitTest {

    @TempDir
    Path dir;

    private static List<String> labels(int n) {
        List<String> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add("label" + i);
        }
        return l;
    }

    @Test
    void theMostLabelsAllowedRoundTripThroughTheLogAndAJobFile() throws Exception {
        LabelledExample e = new LabelledExample("some text", labels(LabelRules.MAX_LABELS_PER_EXAMPLE));
        assertEquals(e, ExampleCodec.decode(ExampleCodec.encode(e)));
        Path f = dir.resolve("examples.bin");
        JobExamplesFile.write(f, List.of(e));
        assertEquals(List.of(e), JobExamplesFile.read(f));
    }

    @Test
    void moreLabelsAreRefusedBeforeAnythingIsLogged() {
        for (int n : new int[]{LabelRules.MAX_LABELS_PER_EXAMPLE + 1, 70_000}) {
            String m = assertThrows(IllegalArgumentException.class, () -> new LabelledExample("some text", labels(n))).getMessage();
            assertTrue(m.contains(n + " labels") && m.contains("limit is " + LabelRules.MAX_LABELS_PER_EXAMPLE), m);
        }
        // Repeats count too: they are what the record stores.
        assertThrows(IllegalArgumentException.class, () -> new LabelledExample("t", Collections.nCopies(70_000, "same")));
    }

    @Test
    void aTrainingLineWithTooManyLabelsIsABadLine() throws Exception {
        String line = "__label__x ".repeat(LabelRules.MAX_LABELS_PER_EXAMPLE + 1) + "some text\n__label__ok fine text\n";
        LabelledLines.Result r = LabelledLines.read(new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), "__label__");
        assertEquals(1, r.lines().size());
        assertEquals(1, r.badLines().size());
        assertTrue(r.badLines().get(0).reason().contains("1001 labels"), r.badLines().get(0).reason());
    }
}
