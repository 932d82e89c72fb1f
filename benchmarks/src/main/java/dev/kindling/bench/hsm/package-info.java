/**
 * The two-level HSM and the tree softmax against a full softmax, per training example.
 */
package dev.kindling.bench.hsm;
