package dev.kindling.archfixture.tensor;

/** Half of the allowed tensor <-> backend SPI loop. */
public class UsesSpi {
    dev.kindling.archfixture.backend.UsesTensor spi;
}
