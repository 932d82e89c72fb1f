package dev.kindling.core;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * sdk-core's package rules, checked on its compiled main classes (tests may use anything): no Spring, the CPU
 * backend reached only through the backend SPI, and no cycle among the {@link CoreSlices}. Each rule is also run
 * on the small fixture packages under {@code dev.kindling.archfixture}, which break it on purpose, so a rule that
 * stopped matching anything (a package renamed, say) fails here instead of passing quietly.
 */
class ArchitectureTest {

    private static final String CORE = "dev.kindling.core";
    private static final String FIXTURE = "dev.kindling.archfixture";

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(CORE);

    static ArchRule noSpring(String root) {
        return noClasses().that().resideInAPackage(root + "..")
                .should().dependOnClassesThat().resideInAPackage("org.springframework..")
                .because("the serving engine and everything under it run in plain Java services, CLIs and tests; "
                        + "Spring wiring belongs to the starter");
    }

    static ArchRule cpuBackendSealed(String root) {
        return noClasses().that().resideInAPackage(root + "..").and().resideOutsideOfPackage(root + ".backend.cpu..")
                .should().dependOnClassesThat().resideInAPackage(root + ".backend.cpu..")
                .because("the CPU backend is reached through the SPI (Backends.cpu() as HostBackend: HostStorage, "
                        + "HostKernels, TreePathKernels), so its kernels and storage can change without touching callers");
    }

    /** Tensor and the backend SPI count as one slice, a loop by design (see {@link CoreSlices}); any other cycle fails. */
    static ArchRule noCycles(String root) {
        return slices().assignedFrom(new CoreSlices(root)).should().beFreeOfCycles();
    }

    @Test
    void sdkCoreDoesNotUseSpring() {
        noSpring(CORE).check(MAIN);
    }

    @Test
    void onlyTheCpuBackendUsesItsOwnPackage() {
        assertThat(MAIN.containPackage(CORE + ".backend.cpu")).as("backend.cpu still exists").isTrue();
        cpuBackendSealed(CORE).check(MAIN);
    }

    @Test
    void slicesFormNoCycle() {
        noCycles(CORE).check(MAIN);
    }

    /** The rules against fixtures that break them: they must fail, naming the offending classes. */
    @Test
    void eachRuleCatchesItsViolation() {
        JavaClasses fixtures = new ClassFileImporter().importPackages(FIXTURE);

        assertThat(report(cpuBackendSealed(FIXTURE).evaluate(fixtures)))
                .contains("archfixture.hsm.UsesCpuBackend");

        String cycles = report(noCycles(FIXTURE).evaluate(fixtures));
        assertThat(cycles).contains("Slice io", "Slice text", "Slice serving.log", "Slice serving.model")
                .as("tensor and the backend SPI are one slice").doesNotContain("Slice tensor");
    }

    private static String report(EvaluationResult result) {
        assertThat(result.hasViolation()).isTrue();
        return String.join("\n", result.getFailureReport().getDetails());
    }
}
