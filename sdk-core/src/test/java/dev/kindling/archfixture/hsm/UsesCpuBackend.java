package dev.kindling.archfixture.hsm;

/** An upper layer reaching past the SPI into backend.cpu: forbidden. */
public class UsesCpuBackend {
    dev.kindling.archfixture.backend.cpu.CpuImpl cpu;
}
