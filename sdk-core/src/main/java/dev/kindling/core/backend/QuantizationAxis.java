package dev.kindling.core.backend;

/**
 * Which entries share a pair of reconstruction values in 1-bit quantization of a matrix: each row
 * (fbcunn's choice) or each column (Seide et al. 2014). Tensors of rank above 2 are seen as
 * [size(0), rest]; 1-d tensors as one row.
 */
public enum QuantizationAxis {
    PER_ROW,
    PER_COLUMN
}
