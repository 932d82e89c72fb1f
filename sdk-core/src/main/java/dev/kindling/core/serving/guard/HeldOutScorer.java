package dev.kindling.core.serving.guard;

import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.Tokenizer;

import java.util.List;

/** Scores a classifier on held-out examples: precision at 1 and mean loss, one prediction and one log-probability each. */
public final class HeldOutScorer {

    private HeldOutScorer() {
    }

    /** The caller keeps {@code model} from changing meanwhile. */
    public static HeldOutScore score(TextClassifier model, List<HeldOutExample> examples) {
        String prefix = model.dictionary().labelPrefix();
        int hits = 0, unknown = 0, lossTerms = 0;
        double lossSum = 0;
        int[] target = new int[1];
        IndexTensor targetIds = IndexTensor.wrap(target, 1);
        for (HeldOutExample h : examples) {
            List<String> tokens = Tokenizer.tokens(h.example().text()).stream().filter(t -> !t.startsWith(prefix)).toList();
            Tensor hidden = model.hidden(tokens);
            int top = model.output().topK(hidden, 1).classes()[0];
            boolean anyKnown = false, hit = false;
            for (String label : h.example().labels()) {
                int id = model.dictionary().labelId(prefix + label);
                if (id < 0) {
                    continue;
                }
                anyKnown = true;
                hit |= id == top;
                target[0] = id;
                lossSum -= model.output().logProb(hidden, targetIds).getFlat(0);
                lossTerms++;
            }
            hits += hit ? 1 : 0;
            unknown += anyKnown ? 0 : 1;
        }
        return new HeldOutScore(examples.isEmpty() ? Double.NaN : (double) hits / examples.size(),
                lossTerms == 0 ? Double.NaN : lossSum / lossTerms, examples.size(), unknown);
    }
}
