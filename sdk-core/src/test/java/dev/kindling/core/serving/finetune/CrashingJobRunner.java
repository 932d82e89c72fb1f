package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.finetune.FineTuneJob;
import dev.kindling.core.serving.finetune.FineTuningBusyException;
import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.serving.finetune.ModelFineTuner;
import dev.kindling.core.serving.model.ModelRegistry;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The child process of {@link JobCrashRecoveryTest}. {@code start}: accepts a job, prints "JOB id", then
 * submits feedback examples printing "ACK seq" after each and "FEEDBACK DONE"; {@code resume}: only starts
 * the service (which resumes the job). Both then print "APPLIED n STATE" for the job every few
 * milliseconds until killed. Training is slowed a little (a listener sleeps after each update) so that a
 * kill lands in the middle of the job.
 */
public final class CrashingJobRunner {

    private CrashingJobRunner() {
    }

    /** {@code examples} job lines with labels job0..job4, plus two bad lines (numbers 3 and 7). */
    static String jobFile(int examples) {
        StringBuilder sb = new StringBuilder();
        int line = 0;
        for (int i = 0; i < examples; i++) {
            line++;
            if (line == 3) {
                sb.append("a line without any label\n");
                line++;
            }
            if (line == 7) {
                sb.append("__label__lonely\n");
                line++;
            }
            sb.append("__label__job").append(i % 5).append(" jobword").append(i).append(" batch topic").append(i % 5).append('\n');
        }
        return sb.toString();
    }

    /**
     * As {@link CrashingFineTuner#fineTuning} with a small queue, so the job runner keeps at most 32 examples
     * logged ahead of the model: a kill then finds most of the job still to be submitted, not just replayed.
     */
    static FineTuningSettings fineTuning(Path dir) {
        FineTuningSettings f = CrashingFineTuner.fineTuning(dir).toBuilder().queueCapacity(64).build();
        return f;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path model = Path.of(args[1]);
        String mode = args[2];
        ModelRegistry registry = new ModelRegistry(CrashingFineTuner.models(model), dir, List.of(), null);
        ModelFineTuner.Listener slow = (m, r, depth) -> {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        FineTuningService service = new FineTuningService(registry, fineTuning(dir), slow);
        FineTuneJob job;
        if (mode.equals("start")) {
            int examples = Integer.parseInt(args[3]);
            int feedback = Integer.parseInt(args[4]);
            job = service.startJob("topics", new ByteArrayInputStream(jobFile(examples).getBytes(StandardCharsets.UTF_8)));
            System.out.println("JOB " + job.id());
            System.out.flush();
            for (int i = 0; i < feedback; ) {
                try {
                    long seq = service.submit("topics", CrashingFineTuner.example(i));
                    System.out.println("ACK " + seq);
                    i++;
                } catch (FineTuningBusyException busy) {
                    Thread.sleep(2);   // 429: nothing was logged, send the same example again
                }
            }
            System.out.println("FEEDBACK DONE");
        } else {
            job = service.job(args[3]);
        }
        while (true) {
            FineTuneJob.Status s = job.status();
            System.out.println("APPLIED " + s.appliedExamples() + " " + s.state());
            System.out.flush();
            Thread.sleep(5);
        }
    }
}
