package dev.kindling.cuda;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.PrintWriter;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

/**
 * Runs every test of {@code dev.kindling.cuda} and its sub-packages (a package selector takes them too)
 * without Maven (the GPU machine has no build tools): {@code java -cp <jars> dev.kindling.cuda.GpuTestRunner}.
 * Exits 1 when a test failed, 2 when the GPU tests were skipped although a GPU was required
 * ({@code --require-gpu}).
 */
public final class GpuTestRunner {

    private GpuTestRunner() {
    }

    public static void main(String[] args) {
        boolean requireGpu = args.length > 0 && args[0].equals("--require-gpu");
        System.out.println("CUDA available: " + dev.kindling.core.backend.Backends.isAvailable("cuda")
                + (dev.kindling.core.backend.Backends.isAvailable("cuda") ? ""
                : " (" + dev.kindling.core.backend.Backends.unavailable().get("cuda") + ")"));
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectPackage("dev.kindling.cuda")).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(request, summary);
        TestExecutionSummary s = summary.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        s.printFailuresTo(out, 30);
        s.printTo(out);
        if (s.getTotalFailureCount() > 0) {
            System.exit(1);
        }
        if (requireGpu && !dev.kindling.core.backend.Backends.isAvailable("cuda")) {
            System.exit(2);
        }
    }
}
