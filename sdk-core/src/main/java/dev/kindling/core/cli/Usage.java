package dev.kindling.core.cli;

/** Usage texts of the commands. */
final class Usage {

    private Usage() {
    }

    static final String MAIN = """
            usage: kindling <command> <args>

            The commands supported by kindling are:

              supervised              train a supervised classifier
              quantize                quantize a model to reduce the memory usage
              test                    evaluate a supervised classifier
              test-label              print labels with precision and recall scores
              predict                 predict most likely labels
              predict-prob            predict most likely labels with probabilities
              print-sentence-vectors  print sentence vectors given a trained model
              dump                    dump arguments, dictionary, input/output vectors

            Models are fastText .bin/.ftz files or Kindling's own model files (told apart by content).

            """;

    static final String SUPERVISED = """
            usage: kindling supervised -input FILE -output PREFIX [options]   (writes PREFIX.bin and PREFIX.vec)

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
              -minn               min length of char ngram [0]
              -maxn               max length of char ngram [0]
              -loss               loss function {hs, hsm, softmax, ns, ova} [softmax]
                                  (hs: binary tree, as fastText; hsm: Kindling's two-level hierarchical
                                  softmax, slower to train, more accurate on large label sets; ns: negative
                                  sampling; ova: one-vs-all, for multi-label data, with a threshold in predict)
              -neg                number of negatives sampled [5]
              -pretrainedVectors  pretrained word vectors (.vec) for supervised learning []
              -tree               label tree of -loss hs {semantic, huffman} [semantic]
                                  (semantic: labels whose texts share words are siblings; huffman: fastText's)
              -thread             number of threads [12]
              -label              labels prefix [__label__]
              -seed               random generator seed [0]
              -verbose            verbosity level [2]
              -badLines           what to do with bad lines {skip, fail} [skip]
              -format             model file {kindling, fasttext, auto} [kindling]
                                  (auto: fastText's .bin when fastText can hold the model - softmax, ns, ova,
                                  hs with a tree fastText rebuilds - else Kindling's own, e.g. for hsm)
              (-ws, -t and -saveOutput are accepted and ignored: they do not affect supervised training)

            """;

    static final String QUANTIZE = """
            usage: kindling quantize -output PREFIX [-input TRAIN] [options]   (reads PREFIX.bin, writes PREFIX.ftz)

              -input              training file path, for -retrain
              -output             model path prefix
              -cutoff             number of words and ngrams to retain [0: all]
              -retrain            whether embeddings are finetuned if a cutoff is applied [false]
              -qnorm              whether the norm is quantized separately [false]
              -qout               whether the classifier is quantized [false]
              -dsub               size of each sub-vector [2]
              -epoch, -lr, -thread  retraining settings [1, 0.1, 12]

            """;

    static final String TEST_LABEL = """
            usage: kindling test-label MODEL TEST_FILE [k] [threshold]

            """;

    static final String SENTENCE_VECTORS = """
            usage: kindling print-sentence-vectors MODEL < text

            """;

    static final String DUMP = """
            usage: kindling dump MODEL args|dict|input|output

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
