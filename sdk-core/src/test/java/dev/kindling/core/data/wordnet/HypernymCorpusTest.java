package dev.kindling.core.data.wordnet;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HypernymCorpusTest {

    @Test
    void parsesNounAndVerbLinesWithPointersAndFrames() {
        Synset dog = WordNetReader.parse("02086723 05 n 03 dog 0 domestic_dog 0 Canis_familiaris 0 002 @ 02085998 n 0000 @i 01320032 n 0000"
                + " | a member of the genus Canis; \"the dog barked all night\"  ");
        assertEquals(List.of("dog", "domestic_dog", "Canis_familiaris"), dog.words());
        assertEquals("n02086723", dog.id());
        assertEquals(2, dog.hypernyms().size());
        assertEquals("a member of the genus Canis; \"the dog barked all night\"", dog.gloss());
        Synset sigh = WordNetReader.parse("00004032 29 v 02 sigh 0 suspire 4 004 @ 00001740 v 0000 + 07144310 n 0202 + 07408356 n 0101"
                + " + 07144310 n 0101 01 + 02 00 | heave or utter a sigh");
        assertEquals(1, sigh.hypernyms().size());
        assertEquals(4, sigh.pointers().size());
        Synset adj = WordNetReader.parse("00001740 00 a 01 able(a) 0 000 | having the means");
        assertEquals(List.of("able"), adj.words());
    }

    @Test
    void wordNet31FromTheClasspathGivesMoreThanTenThousandLabels() throws IOException {
        List<HypernymCorpus.Example> all = HypernymCorpus.build(WordNetSource.wn31Classpath(), "__label__");
        long labels = all.stream().flatMap(e -> e.labels().stream()).distinct().count();
        assertTrue(all.size() > 90_000, "examples " + all.size());
        assertTrue(labels >= 10_000, "labels " + labels);
        HypernymCorpus.Example dog = all.stream().filter(e -> e.synsetId().equals("n02086723")).findFirst().orElseThrow();
        assertTrue(dog.text().startsWith("dog domestic dog canis familiaris a member of the genus canis"), dog.text());
        assertTrue(dog.labels().contains("__label__canine.n02085998"), dog.labels().toString());
        HypernymCorpus.Split split = HypernymCorpus.split(all, 0.1, 1);
        assertEquals(all.size(), split.train().size() + split.test().size());
        assertTrue(Math.abs(split.test().size() / (double) all.size() - 0.1) < 0.01);
        assertEquals(split.test(), HypernymCorpus.split(all, 0.1, 1).test());   // deterministic
    }
}
