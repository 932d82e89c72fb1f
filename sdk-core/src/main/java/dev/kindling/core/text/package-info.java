/**
 * The fastText-style text classifier: dictionary and tokenizer, supervised (Hogwild) and online training,
 * prediction, the model file format and the data-file readers. Depends on hsm, io, nn, tensor and the
 * backend SPI; never on the serving engine or the CLI, which are built on it.
 */
package dev.kindling.core.text;
