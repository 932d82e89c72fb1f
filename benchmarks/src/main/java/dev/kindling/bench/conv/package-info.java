/**
 * JMH benchmarks of the CPU convolutions (direct and FFT).
 */
package dev.kindling.bench.conv;
