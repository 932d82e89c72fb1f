/**
 * The CPU backend: host storage, the Vector API and plain-Java kernels, and the ops built on them.
 * Depends on the backend SPI and tensor only; nothing outside this package names it (it is found through
 * ServiceLoader and reached through Backends.cpu()).
 */
package dev.kindling.core.backend.cpu;
