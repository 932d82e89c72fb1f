#!/usr/bin/env python3
"""A small, deterministic, multilingual labelled corpus for the fastText compatibility fixtures.

Each label owns a handful of topic words (many of them non-ASCII: accents, Greek, Cyrillic, CJK,
emoji, so hashing of multi-byte UTF-8 matters), and the order of two shared words also depends on the
label, so word bigrams carry signal. Lines are fastText format; multi-label lines for -loss ova.

usage: fasttext-fixture-corpus.py OUT_DIR LABELS WORDS_PER_LABEL TRAIN_LINES TEST_LINES MULTI(0/1) SEED
"""
import random
import sys

SYLLABLES = ["ka", "lo", "mi", "ne", "su", "tar", "vel", "quo", "ré", "çi", "ñu", "öl", "ßa", "λα", "жи",
             "日本", "東", "🙂", "ǆe", "ø", "ÿo", "ĳs", "π", "ω", "я", "字", "語", "🚀"]


def word(rng):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))


def main():
    out, labels, per_label, n_train, n_test, multi, seed = sys.argv[1:8]
    labels, per_label, n_train, n_test, multi, seed = int(labels), int(per_label), int(n_train), int(n_test), multi == "1", int(seed)
    rng = random.Random(seed)
    vocab = set()
    topic = []
    for _ in range(labels):
        ws = []
        while len(ws) < per_label:
            w = word(rng)
            if w not in vocab:
                vocab.add(w)
                ws.append(w)
        topic.append(ws)
    shared = []
    while len(shared) < 60:
        w = word(rng)
        if w not in vocab:
            vocab.add(w)
            shared.append(w)
    names = ["l%03d" % i for i in range(labels)]

    def line():
        k = rng.choice([1, 1, 2, 3]) if multi else 1
        ls = rng.sample(range(labels), k)
        toks = []
        for l in ls:
            toks += rng.sample(topic[l], min(len(topic[l]), rng.randint(1, 4)))
            a, b = shared[l % 30], shared[30 + (l * 7) % 30]
            toks += [a, b] if l % 2 == 0 else [b, a]
        toks += rng.sample(shared, rng.randint(1, 4))
        if rng.random() < 0.1:
            toks.append(word(rng))          # an out-of-vocabulary word now and then
        rng.shuffle(toks)
        return " ".join("__label__" + names[l] for l in ls) + " " + " ".join(toks)

    with open(out + "/train.txt", "w", encoding="utf-8") as f:
        for _ in range(n_train):
            f.write(line() + "\n")
    with open(out + "/test.txt", "w", encoding="utf-8") as f:
        for _ in range(n_test):
            f.write(line() + "\n")


if __name__ == "__main__":
    main()
