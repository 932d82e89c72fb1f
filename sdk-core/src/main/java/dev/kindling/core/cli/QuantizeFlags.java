package dev.kindling.core.cli;

import dev.kindling.core.fasttext.FastTextQuantizer;

import java.nio.file.Path;

/**
 * The flags of {@code kindling quantize}, as fastText's: {@code -output PREFIX} (reads PREFIX.bin, writes
 * PREFIX.ftz), {@code -input} (training data, for {@code -retrain}), the switches {@code -qnorm -qout -retrain}
 * and {@code -cutoff -dsub -epoch -lr -thread -verbose}.
 */
record QuantizeFlags(String output, Path input, FastTextQuantizer.Options options, int verbose) {

    static QuantizeFlags parse(String[] argv) {
        String output = null;
        Path input = null;
        boolean qnorm = false, qout = false, retrain = false;
        int cutoff = 0, dsub = 2, epoch = 1, thread = 12, verbose = 2;
        float lr = 0.1f;
        for (int i = 0; i < argv.length; i++) {
            String flag = argv[i];
            switch (flag) {
                case "-qnorm" -> qnorm = true;
                case "-qout" -> qout = true;
                case "-retrain" -> retrain = true;
                default -> {
                    if (!flag.startsWith("-")) {
                        throw new UsageException("expected a flag starting with '-', got '" + flag + "'", Usage.QUANTIZE);
                    }
                    if (i + 1 >= argv.length) {
                        throw new UsageException("flag " + flag + " needs a value", Usage.QUANTIZE);
                    }
                    String v = argv[++i];
                    switch (flag) {
                        case "-output" -> output = v;
                        case "-input" -> input = Path.of(v);
                        case "-cutoff" -> cutoff = KindlingCli.parseInt(flag, v, Usage.QUANTIZE);
                        case "-dsub" -> dsub = KindlingCli.parseInt(flag, v, Usage.QUANTIZE);
                        case "-epoch" -> epoch = KindlingCli.parseInt(flag, v, Usage.QUANTIZE);
                        case "-thread" -> thread = KindlingCli.parseInt(flag, v, Usage.QUANTIZE);
                        case "-verbose" -> verbose = KindlingCli.parseInt(flag, v, Usage.QUANTIZE);
                        case "-lr" -> lr = KindlingCli.parseFloat(flag, v, Usage.QUANTIZE);
                        default -> throw new UsageException("unknown flag " + flag, Usage.QUANTIZE);
                    }
                }
            }
        }
        if (output == null) {
            throw new UsageException("-output is required (the model PREFIX.bin to quantize)", Usage.QUANTIZE);
        }
        if (retrain && input == null) {
            throw new UsageException("-retrain needs the training data: -input FILE", Usage.QUANTIZE);
        }
        try {
            return new QuantizeFlags(output, input, new FastTextQuantizer.Options(cutoff, retrain, qnorm, qout, dsub, epoch, lr, thread),
                    verbose);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), Usage.QUANTIZE);
        }
    }
}
