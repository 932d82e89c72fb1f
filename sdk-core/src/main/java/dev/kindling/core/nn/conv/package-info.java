/**
 * Convolution, pooling and normalization modules (direct and FFT spatial convolution, temporal
 * convolution and pooling, cross-map normalization) and the tuner that picks direct or FFT per shape.
 * Depends on nn, tensor and the backend SPI.
 */
package dev.kindling.core.nn.conv;
