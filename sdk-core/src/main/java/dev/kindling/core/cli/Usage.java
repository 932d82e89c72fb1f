package dev.kindling.core.cli;

/** Usage texts of the commands. */
final class Usage {

    private Usage() {
    }

    static final String MAIN = """
            usage: kindling <command> <args>

            The commands supported by kindling are:

              supervised              train a supervised classifier
              test                    evaluate a supervised classifier
              predict                 predict most likely labels
              predict-prob            predict most likely labels with probabilities

            """;

    static final String SUPERVISED = """
            usage: kindling supervised -input FILE -output PREFIX [options]   (writes PREFIX.bin)

              -input              training file path (fastText format: __label__X tokens and text)
              -output             output path prefix
              -lr                 learning rate [0.1]
              -lrUpdateRate       change the rate of updates for the learning rate [100]
              -dim                size of word vectors [100]
              -epoch              number of epochs [5]
              -wordNgrams         max length of word ngram [1]
              -minCount           minimal number of word occurences [1]
              -minCountLabel      minimal number of label occurences [0]
              -bucket             number of buckets [2000000]
              -loss               loss function {hs, hsm, softmax} [softmax]
                                  (hs: binary tree, as fastText; hsm: Kindling's two-level hierarchical
                                  softmax, slower to train, more accurate on large label sets)
              -tree               label tree of -loss hs {semantic, huffman} [semantic]
                                  (semantic: labels whose texts share words are siblings; huffman: fastText's)
              -thread             number of threads [12]
              -label              labels prefix [__label__]
              -seed               random generator seed [0]
              -verbose            verbosity level [2]
              -badLines           what to do with bad lines {skip, fail} [skip]
              (-ws, -neg, -t are accepted and ignored: they do not affect supervised hs/hsm/softmax training)

            """;

    static final String TEST = """
            usage: kindling test MODEL.bin TEST_FILE [k] [threshold]

            """;

    static final String PREDICT = """
            usage: kindling predict MODEL.bin FILE|- [k] [threshold]

            """;

    static final String PREDICT_PROB = """
            usage: kindling predict-prob MODEL.bin FILE|- [k] [threshold]

            """;
}
