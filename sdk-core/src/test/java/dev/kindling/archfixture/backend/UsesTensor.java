package dev.kindling.archfixture.backend;

/** The other half of the allowed tensor <-> backend SPI loop. */
public class UsesTensor {
    dev.kindling.archfixture.tensor.UsesSpi tensor;
}
