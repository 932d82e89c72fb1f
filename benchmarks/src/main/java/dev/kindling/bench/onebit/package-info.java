/**
 * 1-bit SGD against full-precision data parallelism on the WordNet task (accuracy cost and speed).
 */
package dev.kindling.bench.onebit;
