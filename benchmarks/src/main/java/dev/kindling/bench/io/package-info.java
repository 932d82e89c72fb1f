/**
 * What checking model files costs (CRC32C over tables, heap and mapped loads).
 */
package dev.kindling.bench.io;
