package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.serving.model.ModelRegistry;

import java.nio.file.Path;
import java.util.List;

/**
 * The child process of {@link OneProcessPerDirectoryTest}: starts fine-tuning on a data directory and
 * prints "STARTED" then "ACK seq" for one example, then stays up until killed; or, when the start is
 * refused, prints "REFUSED message" and exits with status 3.
 */
public final class OneProcessPerDirectoryChild {

    private OneProcessPerDirectoryChild() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path model = Path.of(args[1]);
        FineTuningService service;
        try {
            service = new FineTuningService(new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null),
                    CrashingFineTuner.fineTuning(data), null);
        } catch (IllegalStateException e) {
            System.out.println("REFUSED " + e.getMessage());
            System.out.flush();
            System.exit(3);
            return;
        }
        System.out.println("STARTED");
        System.out.println("ACK " + service.submit("topics", CrashingFineTuner.example(1)));
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
