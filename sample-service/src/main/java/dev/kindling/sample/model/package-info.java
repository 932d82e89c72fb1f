/**
 * The sample's default model: WordNet 3.1's hypernym task, trained on first start when no model file exists.
 */
package dev.kindling.sample.model;
