package dev.kindling.core.cli;

import dev.kindling.core.text.BadLinePolicy;
import dev.kindling.core.text.TrainingArgs;

import java.nio.file.Path;

/** The flags of {@code kindling supervised}, parsed fastText style ({@code -name value}). */
record SupervisedFlags(Path input, String output, TrainingArgs args, BadLinePolicy badLines, Path pretrainedVectors, OutputFormat format) {

    /**
     * Which file {@code PREFIX.bin} becomes: Kindling's (the default: checksummed, verified on every load), fastText's
     * ({@code fasttext}, for fastText itself to load; it carries no checksums), or fastText's where it can hold the model.
     */
    enum OutputFormat {
        AUTO, FASTTEXT, KINDLING;

        static OutputFormat parse(String s) {
            return switch (s) {
                case "auto" -> AUTO;
                case "fasttext" -> FASTTEXT;
                case "kindling" -> KINDLING;
                default -> throw new IllegalArgumentException("unsupported -format '" + s + "': use auto, fasttext or kindling");
            };
        }
    }

    static SupervisedFlags parse(String[] argv) {
        TrainingArgs a = TrainingArgs.defaults();
        Path input = null;
        String output = null;
        BadLinePolicy policy = BadLinePolicy.SKIP;
        Path pretrained = null;
        OutputFormat format = OutputFormat.KINDLING;
        for (int i = 0; i < argv.length; i += 2) {
            String flag = argv[i];
            if (flag.equals("-saveOutput")) {
                i--;   // a switch without a value in fastText; the output matrix is always in the model file
                continue;
            }
            if (!flag.startsWith("-")) {
                throw new UsageException("expected a flag starting with '-', got '" + flag + "'", Usage.SUPERVISED);
            }
            if (i + 1 >= argv.length) {
                throw new UsageException("flag " + flag + " needs a value", Usage.SUPERVISED);
            }
            String v = argv[i + 1];
            try {
                a = switch (flag) {
                    case "-input" -> {
                        input = Path.of(v);
                        yield a;
                    }
                    case "-output" -> {
                        output = v;
                        yield a;
                    }
                    case "-badLines" -> {
                        policy = BadLinePolicy.parse(v);
                        yield a;
                    }
                    case "-pretrainedVectors" -> {
                        pretrained = Path.of(v);
                        yield a;
                    }
                    case "-format" -> {
                        format = OutputFormat.parse(v);
                        yield a;
                    }
                    case "-lr" -> a.withLr(f(flag, v));
                    case "-lrUpdateRate" -> a.withLrUpdateRate(n(flag, v));
                    case "-dim" -> a.withDim(n(flag, v));
                    case "-epoch" -> a.withEpoch(n(flag, v));
                    case "-wordNgrams" -> a.withWordNgrams(n(flag, v));
                    case "-minCount" -> a.withMinCount(n(flag, v));
                    case "-minCountLabel" -> a.withMinCountLabel(n(flag, v));
                    case "-bucket" -> a.withBucket(n(flag, v));
                    case "-loss" -> a.withLoss(TrainingArgs.Loss.parse(v));
                    case "-tree" -> a.withTree(TrainingArgs.Tree.parse(v));
                    case "-thread" -> a.withThread(n(flag, v));
                    case "-label" -> a.withLabel(v);
                    case "-seed" -> a.withSeed(n(flag, v));
                    case "-verbose" -> a.withVerbose(n(flag, v));
                    case "-neg" -> a.withNeg(n(flag, v));
                    case "-minn" -> a.withMinn(n(flag, v));
                    case "-maxn" -> a.withMaxn(n(flag, v));
                    case "-ws" -> {
                        n(flag, v);
                        yield a;
                    }
                    case "-t" -> {
                        f(flag, v);
                        yield a;
                    }
                    default -> throw new UsageException("unknown flag " + flag, Usage.SUPERVISED);
                };
            } catch (UsageException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage(), Usage.SUPERVISED);
            }
        }
        if (input == null || output == null) {
            throw new UsageException("-input and -output are required", Usage.SUPERVISED);
        }
        return new SupervisedFlags(input, output, a, policy, pretrained, format);
    }

    private static int n(String flag, String v) {
        return KindlingCli.parseInt(flag, v, Usage.SUPERVISED);
    }

    private static float f(String flag, String v) {
        return KindlingCli.parseFloat(flag, v, Usage.SUPERVISED);
    }
}
