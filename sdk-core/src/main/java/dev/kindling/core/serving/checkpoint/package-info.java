/**
 * A model's checkpoints: numbered model files and the CURRENT file naming the one in force with its log
 * sequence. Depends on io and text.
 */
package dev.kindling.core.serving.checkpoint;
