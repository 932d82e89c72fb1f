package dev.kindling.core.data.wordnet;

import java.util.List;

/**
 * One line of a WordNet {@code data.*} file: a synset's byte offset (its id within the part of speech),
 * part of speech ({@code n v a s r}), its words (lemmas with underscores for spaces), its pointers to other
 * synsets and its gloss (definition and examples).
 */
public record Synset(long offset, char pos, List<String> words, List<Pointer> pointers, String gloss) {

    /** A relation to another synset, e.g. {@code @} hypernym, {@code @i} instance hypernym. */
    public record Pointer(String symbol, long targetOffset, char targetPos) {

        public boolean isHypernym() {
            return symbol.equals("@") || symbol.equals("@i");
        }
    }

    /** The synset's id across parts of speech, e.g. {@code n02084071}. */
    public String id() {
        return String.format("%c%08d", pos == 's' ? 'a' : pos, offset);
    }

    public List<Pointer> hypernyms() {
        return pointers.stream().filter(Pointer::isHypernym).toList();
    }
}
