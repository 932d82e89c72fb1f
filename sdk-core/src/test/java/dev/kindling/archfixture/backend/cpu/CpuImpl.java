package dev.kindling.archfixture.backend.cpu;

/** A CPU backend class, which may use the SPI. */
public class CpuImpl {
    dev.kindling.archfixture.backend.UsesTensor spi;
}
