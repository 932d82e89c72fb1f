/**
 * Compute devices and device pools: each device has its own execution queue, a bound on work in flight and
 * statistics (busy time, queue depth, bytes moved). CPU devices are worker threads; other backends plug in
 * through {@link dev.kindling.core.device.ComputeDeviceProvider}. Depends on tensor and the backend SPI.
 */
package dev.kindling.core.device;
