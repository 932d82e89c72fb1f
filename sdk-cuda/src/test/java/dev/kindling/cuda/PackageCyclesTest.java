package dev.kindling.cuda;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sdk-cuda's packages depend on each other without cycles, read from the compiled main classes (under
 * Maven the classes folder, under GpuTestRunner the sdk-cuda jar). Runs everywhere, no GPU needed.
 *
 * <p>The public exceptions and {@link AllocatorStats} stay in the API package, where callers find them,
 * yet every layer throws or fills them. They use no other sdk-cuda type, so they count as nodes of their
 * own: using them closes no cycle, while anything else an internal package took from the API package
 * (the backend itself, say) would.
 */
class PackageCyclesTest {

    private static final String PREFIX = "dev.kindling.cuda.";
    private static final Set<String> API_LEAVES = Set.of(CudaException.class.getName(), CudaOutOfMemoryException.class.getName(),
            AllocatorStats.class.getName());

    private static String node(String className) {
        return API_LEAVES.contains(className) ? className : className.substring(0, className.lastIndexOf('.'));
    }

    private static PackageGraph mainClasses() throws Exception {
        Path location = Path.of(CudaBackend.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        PackageGraph g = PackageGraph.read(location, PREFIX, PackageCyclesTest::node);
        // Guards against passing on an empty graph (classes not found where expected).
        assertTrue(g.nodes().containsAll(Set.of("dev.kindling.cuda", "dev.kindling.cuda.runtime", "dev.kindling.cuda.memory",
                "dev.kindling.cuda.ops", "dev.kindling.cuda.bindings")), "packages read from " + location + ":\n" + g);
        assertTrue(g.uses("dev.kindling.cuda.runtime").contains("dev.kindling.cuda.memory"), "runtime -> memory missing:\n" + g);
        return g;
    }

    @Test
    void sdkCudaPackagesFormNoCycle() throws Exception {
        PackageGraph g = mainClasses();
        List<Set<String>> cycles = g.cycles();
        assertTrue(cycles.isEmpty(), () -> String.join("\n", cycles.stream().map(g::explain).toList()) + "\nwhole graph:\n" + g);
    }

    @Test
    void apiLeafTypesUseNoOtherSdkCudaType() throws Exception {
        PackageGraph g = mainClasses();
        for (String leaf : API_LEAVES) {
            assertTrue(API_LEAVES.containsAll(g.uses(leaf)), leaf + " must stay a leaf, but uses " + g.uses(leaf));
        }
    }

    /** The check itself: a cycle through three packages is reported once, with its class edges; a tail into it is not part of it. */
    @Test
    void aCycleIsReported() {
        PackageGraph g = new PackageGraph("x.", c -> c.substring(0, c.lastIndexOf('.')));
        g.add("x.a.A", "x.b.B");
        g.add("x.b.B", "x.c.C");
        g.add("x.c.C", "x.a.A2");
        g.add("x.d.D", "x.a.A");
        g.add("x.a.A", "y.Outside");
        assertEquals(List.of(Set.of("x.a", "x.b", "x.c")), g.cycles());
        assertTrue(g.explain(g.cycles().getFirst()).contains("x.c -> x.a, e.g. [x.c.C -> x.a.A2]"), g.explain(g.cycles().getFirst()));
        g = new PackageGraph("x.", c -> c.substring(0, c.lastIndexOf('.')));
        g.add("x.a.A", "x.b.B");
        g.add("x.b.B", "x.c.C");
        assertEquals(List.of(), g.cycles());
    }
}
