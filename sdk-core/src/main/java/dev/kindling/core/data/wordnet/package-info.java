/**
 * Reads WordNet's dict files and builds a labelled hypernym corpus from them (a benchmark and test data
 * set). Depends on no other sdk-core package.
 */
package dev.kindling.core.data.wordnet;
