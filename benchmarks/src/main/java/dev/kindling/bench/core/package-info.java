/**
 * CPU kernel micro-benchmarks (Vector API against the scalar fallback).
 */
package dev.kindling.bench.core;
