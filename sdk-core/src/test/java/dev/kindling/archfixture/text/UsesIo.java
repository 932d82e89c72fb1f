package dev.kindling.archfixture.text;

/** Half of a forbidden cycle between two top-level packages (for ArchitectureTest). */
public class UsesIo {
    dev.kindling.archfixture.io.UsesText io;
}
