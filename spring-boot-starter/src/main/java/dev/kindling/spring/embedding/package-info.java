/**
 * Caffeine caches of models' input rows, the engine's RowCache, with their statistics bound to Micrometer.
 */
package dev.kindling.spring.embedding;
