/** Checkpoints: safetensors reading and writing, atomic saves of module parameters. */
package dev.kindling.core.io;
