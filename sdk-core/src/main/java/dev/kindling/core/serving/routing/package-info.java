/**
 * Sending inference work to a device of core's DevicePool: accelerators first, the CPU as fallback,
 * with the exceptions that say why a request was refused. Depends on device and tensor.
 */
package dev.kindling.core.serving.routing;
