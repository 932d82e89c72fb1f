package dev.kindling.core.serving.guard;

import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.text.LabelledLines;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A held-out set read once from a fastText-format file ({@code __label__x text} lines); it never changes. */
public final class FileHeldOutSet implements HeldOutSet {

    private static final System.Logger log = System.getLogger(FileHeldOutSet.class.getName());

    private final Path file;
    private final List<HeldOutExample> examples;

    private FileHeldOutSet(Path file, List<HeldOutExample> examples) {
        this.file = file;
        this.examples = List.copyOf(examples);
    }

    /** Reads {@code file}; bad lines are skipped with a warning, a file without a usable line is an error. */
    public static FileHeldOutSet read(String model, Path file, String labelPrefix) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("the held-out file " + file + " of model '" + model + "' does not exist; expected a fastText-format file"
                    + " such as '" + labelPrefix + "label some text' lines (or no held-out file: a reservoir of served feedback)");
        }
        LabelledLines.Result parsed;
        try (InputStream in = Files.newInputStream(file)) {
            parsed = LabelledLines.read(in, labelPrefix);
        }
        List<HeldOutExample> out = new ArrayList<>();
        int bad = parsed.badLines().size();
        for (LabelledLines.Line line : parsed.lines()) {
            try {
                // The one line-to-example conversion, as for job files.
                out.add(new HeldOutExample(LabelledExample.fromTokens(line.tokens(), labelPrefix), 0));
            } catch (IllegalArgumentException e) {
                bad++;
            }
        }
        if (out.isEmpty()) {
            throw new IOException("the held-out file " + file + " of model '" + model + "' has no usable labelled line (" + bad
                    + " bad lines); expected fastText-format lines such as '" + labelPrefix + "label some text'");
        }
        if (bad > 0) {
            log.log(System.Logger.Level.WARNING, "model " + model + ": " + bad + " lines of the held-out file " + file + " are unusable and skipped");
        }
        return new FileHeldOutSet(file, out);
    }

    @Override
    public List<HeldOutExample> examples() {
        return examples;
    }

    @Override
    public int size() {
        return examples.size();
    }

    @Override
    public long generation() {
        return 0;
    }

    @Override
    public void offer(HeldOutExample example) {
    }

    @Override
    public void promoted() {
    }

    @Override
    public void commit() {
    }

    @Override
    public void discardUnpromoted() {
    }

    @Override
    public void dropAfter(long sequence) {
    }

    @Override
    public String describe() {
        return "file " + file + " (" + examples.size() + " examples)";
    }
}
