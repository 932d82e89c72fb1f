package dev.kindling.core.serving.guard;

/**
 * How one version of a model does on a held-out set.
 *
 * @param precisionAt1  the share of examples whose top label is one of theirs (an example whose labels the model does
 *                      not have counts as a miss)
 * @param loss          the mean of −log p(label) over the examples' labels the model has (NaN when it has none)
 * @param examples      examples scored
 * @param unknownLabels examples none of whose labels the model has
 */
public record HeldOutScore(double precisionAt1, double loss, int examples, int unknownLabels) {

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "P@1 %.4f, loss %.4f over %d examples", precisionAt1, loss, examples);
    }
}
