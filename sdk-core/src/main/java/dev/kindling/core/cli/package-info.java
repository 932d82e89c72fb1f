/**
 * The kindling command line, a drop-in for fastText's supervised, test, predict and predict-prob commands.
 * Depends on text and hsm.
 */
package dev.kindling.core.cli;
