package dev.kindling.core.serving.model;

import dev.kindling.core.serving.TestModels;
import dev.kindling.core.text.TrainingArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** A served -loss hs model that fine-tunes is warned about at start: it learns labels first seen in feedback slowly. */
class SlowNewLabelsWarningTest {

    @TempDir
    Path dir;

    private List<String> warningsWhileLoading(Path file, boolean fineTuning) {
        Logger logger = Logger.getLogger(ModelRegistry.class.getName());
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(h);
        try {
            new ModelRegistry(List.of(ModelSettings.builder("m").checkpoint(file).fineTuning(fineTuning).build()),
                    dir.resolve("data-" + file.getFileName() + fineTuning), List.of(), null);
        } finally {
            logger.removeHandler(h);
        }
        return warnings;
    }

    @Test
    void anHsModelThatFineTunesIsWarnedAboutAndOthersAreNot() {
        Path hs = TestModels.trainedFile(dir, TrainingArgs.Loss.HS);
        Path hsm = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
        assertThat(warningsWhileLoading(hs, true)).anyMatch(w -> w.contains("-loss hs") && w.contains("-loss hsm"));
        assertThat(warningsWhileLoading(hs, false)).noneMatch(w -> w.contains("-loss hs"));
        assertThat(warningsWhileLoading(hsm, true)).noneMatch(w -> w.contains("-loss hs"));
    }
}
