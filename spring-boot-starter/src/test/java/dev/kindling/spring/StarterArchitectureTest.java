package dev.kindling.spring;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The starter is wiring over sdk-core's public API: like every layer above the backend SPI, it never names the CPU backend. */
class StarterArchitectureTest {

    @Test
    void starterDoesNotUseTheCpuBackendPackage() {
        JavaClasses starter = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.kindling.spring");
        noClasses().that().resideInAPackage("dev.kindling.spring..")
                .should().dependOnClassesThat().resideInAPackage("dev.kindling.core.backend.cpu..")
                .because("the CPU backend is reached through Backends.cpu() and the backend SPI")
                .check(starter);
    }
}
