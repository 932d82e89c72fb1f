package dev.kindling.core.cli;

import dev.kindling.core.fasttext.CNumber;
import dev.kindling.core.fasttext.FastTextModelReader;
import dev.kindling.core.fasttext.FastTextModelWriter;
import dev.kindling.core.fasttext.FastTextQuantizer;
import dev.kindling.core.fasttext.ModelFiles;
import dev.kindling.core.fasttext.WordVectors;
import dev.kindling.core.hsm.BinaryTreeSoftmax;
import dev.kindling.core.hsm.FullSoftmax;
import dev.kindling.core.hsm.HierarchicalSoftmax;
import dev.kindling.core.hsm.IndependentLogistic;
import dev.kindling.core.hsm.TopK;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.text.PretrainedVectors;
import dev.kindling.core.text.TablePlacement;
import dev.kindling.core.text.BadDataException;
import dev.kindling.core.text.BadLine;
import dev.kindling.core.text.BadLinePolicy;
import dev.kindling.core.text.LabelledLines;
import dev.kindling.core.text.SupervisedTrainer;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.Tokenizer;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.core.text.TrainingProgress;
import dev.kindling.core.text.Utf8Lines;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The {@code kindling} command line, a drop-in for fastText's supervised commands: {@code supervised},
 * {@code quantize}, {@code test}, {@code test-label}, {@code predict}, {@code predict-prob},
 * {@code print-sentence-vectors} and {@code dump}, with fastText's flags and output formats. Models are
 * fastText files or Kindling's own, told apart by content.
 * Errors are reported as one message and exit status 1, never a stack trace.
 */
public final class KindlingCli {

    private static final int MAX_REPORTED_BAD_LINES = 20;

    private final InputStream stdin;
    private final PrintStream out;
    private final PrintStream err;

    KindlingCli(InputStream stdin, PrintStream out, PrintStream err) {
        this.stdin = stdin;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out, 1 << 16), false, StandardCharsets.UTF_8);
        int status = new KindlingCli(System.in, out, System.err).run(args);
        out.flush();
        System.exit(status);
    }

    /** Runs one command; returns the exit status. */
    int run(String[] args) {
        if (args.length == 0) {
            err.print(Usage.MAIN);
            return 1;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "supervised" -> supervised(rest);
                case "test" -> test(rest);
                case "predict" -> predict(rest, false);
                case "predict-prob" -> predict(rest, true);
                case "test-label" -> testLabel(rest);
                case "quantize" -> quantize(rest);
                case "print-sentence-vectors" -> sentenceVectors(rest);
                case "dump" -> dump(rest);
                case "help", "-h", "--help" -> {
                    out.print(Usage.MAIN);
                    yield 0;
                }
                default -> throw new UsageException("unknown command '" + args[0] + "'", Usage.MAIN);
            };
        } catch (UsageException e) {
            err.println("Error: " + e.getMessage());
            err.print(e.usage);
            return 1;
        } catch (NoSuchFileException e) {
            err.println("Error: file not found: " + e.getMessage());
            return 1;
        } catch (IOException | IllegalArgumentException | BadDataException e) {
            err.println("Error: " + e.getMessage());
            return 1;
        } catch (OutOfMemoryError e) {
            err.println("Error: out of memory (" + e.getMessage() + "); lower -bucket or -dim, or raise the heap with KINDLING_JAVA_OPTS=-Xmx…");
            return 1;
        } catch (RuntimeException e) {
            err.println("Error: " + e);
            return 1;
        } finally {
            out.flush();
        }
    }

    private int supervised(String[] args) throws IOException {
        SupervisedFlags flags = SupervisedFlags.parse(args);
        TrainingArgs ta = flags.args();
        LabelledLines.Result data;
        try (InputStream in = Files.newInputStream(flags.input())) {
            data = LabelledLines.read(in, ta.label());
        }
        if (!data.badLines().isEmpty()) {
            if (flags.badLines() == BadLinePolicy.FAIL) {
                throw new BadDataException(flags.input().toString(), data.badLines());
            }
            reportSkipped(flags.input().toString(), data.badLines());
        }
        if (data.lines().isEmpty()) {
            throw new IllegalArgumentException(flags.input() + " has no usable training line");
        }
        if (ta.verbose() >= 1) {
            err.printf(Locale.ROOT, "\rRead %dM words%n", data.tokenCount() / 1_000_000);
        }
        Consumer<TrainingProgress> progress = ta.verbose() >= 2 ? p -> {
            err.print("\r" + p.line());
            err.flush();
        } : null;
        PretrainedVectors pretrained = flags.pretrainedVectors() == null ? null : WordVectors.read(flags.pretrainedVectors(), ta.dim());
        TextClassifier model = SupervisedTrainer.train(data.lines(), ta, pretrained, progress);
        if (ta.verbose() >= 2) {
            err.println();
        }
        if (ta.verbose() >= 1) {
            err.printf(Locale.ROOT, "Number of words:  %d%nNumber of labels: %d%n", model.dictionary().wordCount(),
                    model.dictionary().labelCount());
        }
        save(model, Path.of(flags.output() + ".bin"), flags.format(), ta.verbose());
        WordVectors.write(model, Path.of(flags.output() + ".vec"));
        return 0;
    }

    /** PREFIX.bin in fastText's format when it can hold the model (or when asked), else in Kindling's. */
    private void save(TextClassifier model, Path file, SupervisedFlags.OutputFormat format, int verbose) throws IOException {
        if (format != SupervisedFlags.OutputFormat.KINDLING) {
            try {
                FastTextModelWriter.write(model, file);
                if (verbose >= 1) {
                    err.println("Wrote " + file + " in fastText's format");
                }
                return;
            } catch (IllegalArgumentException e) {
                if (format == SupervisedFlags.OutputFormat.FASTTEXT) {
                    throw e;
                }
                if (verbose >= 1) {
                    err.println("Writing " + file + " in Kindling's format: " + e.getMessage());
                }
            }
        }
        model.save(file);
    }

    private void reportSkipped(String file, List<BadLine> bad) {
        for (int i = 0; i < Math.min(bad.size(), MAX_REPORTED_BAD_LINES); i++) {
            err.println("Warning: " + file + " " + bad.get(i) + " (skipped)");
        }
        if (bad.size() > MAX_REPORTED_BAD_LINES) {
            err.println("Warning: " + (bad.size() - MAX_REPORTED_BAD_LINES) + " more bad lines in " + file + " skipped");
        }
    }

    private int test(String[] args) throws IOException {
        if (args.length < 2 || args.length > 4) {
            throw new UsageException("test takes a model, a test file, and optionally k and a threshold", Usage.TEST);
        }
        TextClassifier model = ModelFiles.load(Path.of(args[0]), TablePlacement.OFF_HEAP);
        int k = labelsWanted(args.length > 2 ? parseInt("k", args[2], Usage.TEST) : 1, model, Usage.TEST);
        float threshold = args.length > 3 ? parseFloat("threshold", args[3], Usage.TEST) : 0f;
        long examples = 0, gold = 0, predicted = 0, correct = 0, skipped = 0;
        try (InputStream in = open(args[1])) {
            Utf8Lines lines = new Utf8Lines(in);
            for (Utf8Lines.Line l = lines.next(); l != null; l = lines.next()) {
                if (l.text() == null) {
                    warnOnce(skipped++, args[1], l.number(), "invalid UTF-8");
                    continue;
                }
                List<String> tokens = Tokenizer.tokens(l.text());
                int[] labels = Arrays.stream(model.dictionary().labelIds(tokens)).filter(id -> id >= 0).toArray();
                // As fastText: lines without a label known to the model are not counted.
                if (labels.length == 0) {
                    continue;
                }
                TopK top = model.predictIds(tokens, k, threshold);
                examples++;
                gold += labels.length;
                for (int i = 0; i < top.size(); i++) {
                    predicted++;
                    int c = top.classes()[i];
                    if (Arrays.stream(labels).anyMatch(g -> g == c)) {
                        correct++;
                    }
                }
            }
        }
        if (skipped > 0) {
            err.println("Warning: " + skipped + " line(s) of " + args[1] + " were not valid UTF-8 and were not counted");
        }
        out.println("N\t" + examples);
        out.println("P@" + k + "\t" + CNumber.significant(predicted == 0 ? Double.NaN : correct / (double) predicted, 3));
        out.println("R@" + k + "\t" + CNumber.significant(gold == 0 ? Double.NaN : correct / (double) gold, 3));
        return 0;
    }

    private void warnOnce(long already, String file, long line, String why) {
        if (already < MAX_REPORTED_BAD_LINES) {
            err.println("Warning: " + file + " line " + line + ": " + why);
        }
    }

    private int predict(String[] args, boolean withProb) throws IOException {
        String usage = withProb ? Usage.PREDICT_PROB : Usage.PREDICT;
        if (args.length < 2 || args.length > 4) {
            throw new UsageException("predict takes a model, a file (or - for standard input), and optionally k and a threshold", usage);
        }
        TextClassifier model = ModelFiles.load(Path.of(args[0]), TablePlacement.OFF_HEAP);
        int k = labelsWanted(args.length > 2 ? parseInt("k", args[2], usage) : 1, model, usage);
        float threshold = args.length > 3 ? parseFloat("threshold", args[3], usage) : 0f;
        long bad = 0;
        try (InputStream in = open(args[1])) {
            Utf8Lines lines = new Utf8Lines(in);
            boolean interactive = args[1].equals("-");
            for (Utf8Lines.Line l = lines.next(); l != null; l = lines.next()) {
                if (l.text() == null) {
                    warnOnce(bad++, args[1], l.number(), "invalid UTF-8, no prediction");
                    out.println();
                    continue;
                }
                TopK top = model.predictIds(Tokenizer.tokens(l.text()), k, threshold);
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < top.size(); i++) {
                    double p = Math.exp(top.logProbs()[i]);
                    if (!sb.isEmpty()) {
                        sb.append(' ');
                    }
                    sb.append(model.dictionary().label(top.classes()[i]));
                    if (withProb) {
                        sb.append(' ').append(CNumber.significant(p, 6));
                    }
                }
                out.println(sb);
                if (interactive) {
                    out.flush();
                }
            }
        }
        return 0;
    }

    /** k as fastText takes it: −1 means every label. */
    private static int labelsWanted(int k, TextClassifier model, String usage) {
        if (k == -1) {
            return model.dictionary().labelCount();
        }
        if (k <= 0) {
            throw new UsageException("k must be positive (or -1 for all labels), got " + k, usage);
        }
        return k;
    }

    private int testLabel(String[] args) throws IOException {
        if (args.length < 2 || args.length > 4) {
            throw new UsageException("test-label takes a model, a test file, and optionally k and a threshold", Usage.TEST_LABEL);
        }
        TextClassifier model = ModelFiles.load(Path.of(args[0]), TablePlacement.OFF_HEAP);
        int k = labelsWanted(args.length > 2 ? parseInt("k", args[2], Usage.TEST_LABEL) : 1, model, Usage.TEST_LABEL);
        float threshold = args.length > 3 ? parseFloat("threshold", args[3], Usage.TEST_LABEL) : 0f;
        TestLabelReport report = new TestLabelReport(model.dictionary().labelCount());
        long examples = 0, gold = 0, predicted = 0, correct = 0;
        try (InputStream in = open(args[1])) {
            Utf8Lines lines = new Utf8Lines(in);
            for (Utf8Lines.Line l = lines.next(); l != null; l = lines.next()) {
                if (l.text() == null) {
                    continue;
                }
                List<String> tokens = Tokenizer.tokens(l.text());
                int[] labels = Arrays.stream(model.dictionary().labelIds(tokens)).filter(id -> id >= 0).toArray();
                if (labels.length == 0) {
                    continue;
                }
                TopK top = model.predictIds(tokens, k, threshold);
                report.add(labels, top.classes());
                examples++;
                gold += labels.length;
                predicted += top.size();
                for (int c : top.classes()) {
                    correct += Arrays.stream(labels).anyMatch(g -> g == c) ? 1 : 0;
                }
            }
        }
        report.print(model.dictionary(), out);
        out.println("N\t" + examples);
        out.println("P@" + k + "\t" + String.format(Locale.ROOT, "%.3f", predicted == 0 ? Double.NaN : correct / (double) predicted));
        out.println("R@" + k + "\t" + String.format(Locale.ROOT, "%.3f", gold == 0 ? Double.NaN : correct / (double) gold));
        return 0;
    }

    private int quantize(String[] args) throws IOException {
        QuantizeFlags flags = QuantizeFlags.parse(args);
        Path bin = Path.of(flags.output() + ".bin");
        TextClassifier model = ModelFiles.load(bin);
        List<LabelledLines.Line> lines = List.of();
        if (flags.input() != null && flags.options().retrain()) {
            try (InputStream in = Files.newInputStream(flags.input())) {
                lines = LabelledLines.read(in, model.dictionary().labelPrefix()).lines();
            }
        }
        Path ftz = Path.of(flags.output() + ".ftz");
        TextClassifier kept = FastTextQuantizer.quantize(model, flags.options(), lines, ftz);
        if (flags.verbose() >= 1) {
            err.println("Wrote " + ftz + ": " + kept.dictionary().wordCount() + " words and " + kept.dictionary().buckets()
                    + " n-gram buckets kept, quantized");
        }
        return 0;
    }

    private int sentenceVectors(String[] args) throws IOException {
        if (args.length != 1) {
            throw new UsageException("print-sentence-vectors takes a model and reads sentences from standard input", Usage.SENTENCE_VECTORS);
        }
        TextClassifier model = ModelFiles.load(Path.of(args[0]), TablePlacement.OFF_HEAP);
        Tensor h = Tensor.zeros(1, model.dim());
        Utf8Lines lines = new Utf8Lines(stdin);
        StringBuilder sb = new StringBuilder();
        for (Utf8Lines.Line l = lines.next(); l != null; l = lines.next()) {
            sb.setLength(0);
            if (l.text() != null) {
                // As fastText: the mean of the line's input rows (words, character and word n-grams), five significant digits.
                model.hidden(model.dictionary().inputRows(Tokenizer.tokens(l.text()), false), h.segment(), h.offset());
                for (int j = 0; j < model.dim(); j++) {
                    sb.append(CNumber.significant(h.getFlat(j), 5)).append(' ');
                }
            }
            out.println(sb);
        }
        return 0;
    }

    private int dump(String[] args) throws IOException {
        if (args.length != 2) {
            throw new UsageException("dump takes a model and one of args, dict, input, output", Usage.DUMP);
        }
        Path file = Path.of(args[0]);
        boolean fastText = FastTextModelReader.isFastTextModel(file);
        FastTextModelReader.Contents contents = fastText ? FastTextModelReader.readContents(file, TablePlacement.HEAP) : null;
        TextClassifier model = fastText ? null : TextClassifier.load(file);
        switch (args[1]) {
            case "args" -> {
                if (fastText) {
                    ModelDump.args(contents.args(), out);
                } else {
                    ModelDump.args(model, out);
                }
            }
            case "dict" -> ModelDump.dictionary(ModelFiles.load(file).dictionary(), out);
            case "input" -> ModelDump.matrix(fastText ? contents.input() : model.inputTable(), out);
            case "output" -> ModelDump.matrix(fastText ? contents.output() : outputMatrix(model), out);
            default -> throw new UsageException("dump prints args, dict, input or output, not '" + args[1] + "'", Usage.DUMP);
        }
        return 0;
    }

    private static Tensor outputMatrix(TextClassifier model) {
        return switch (model.output()) {
            case FullSoftmax s -> s.weight();
            case IndependentLogistic l -> l.weight();
            case BinaryTreeSoftmax t -> t.nodeWeight().value();
            case HierarchicalSoftmax h -> h.classWeight().value();
            default -> throw new IllegalArgumentException("cannot dump the output of " + model.output());
        };
    }

    private InputStream open(String file) throws IOException {
        return file.equals("-") ? stdin : Files.newInputStream(Path.of(file));
    }

    static int parseInt(String what, String v, String usage) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException(what + " must be an integer, got '" + v + "'", usage);
        }
    }

    static float parseFloat(String what, String v, String usage) {
        try {
            return Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw new UsageException(what + " must be a number, got '" + v + "'", usage);
        }
    }
}
