/**
 * Serving latency benchmarks: exact top-k as the label set grows.
 */
package dev.kindling.bench.serving;
