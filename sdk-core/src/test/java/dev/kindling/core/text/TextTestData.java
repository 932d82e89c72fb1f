package dev.kindling.core.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A synthetic labelled corpus: each label has its own keywords, mixed with shared filler words. */
final class TextTestData {

    private TextTestData() {
    }

    static List<String> lines(int labels, int perLabel, long seed) {
        Random rng = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < perLabel; i++) {
            for (int l = 0; l < labels; l++) {
                StringBuilder sb = new StringBuilder("__label__L" + l);
                for (int w = 0; w < 6; w++) {
                    sb.append(rng.nextInt(3) == 0 ? " filler" + rng.nextInt(20) : " key" + l + "_" + rng.nextInt(4));
                }
                out.add(sb.toString());
            }
        }
        java.util.Collections.shuffle(out, rng);
        return out;
    }

    static List<LabelledLines.Line> parsed(List<String> lines) {
        List<LabelledLines.Line> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            out.add(new LabelledLines.Line(i + 1, Tokenizer.tokens(lines.get(i))));
        }
        return out;
    }
}
