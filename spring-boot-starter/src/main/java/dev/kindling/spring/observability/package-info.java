/**
 * Micrometer meters and the Actuator health indicator over the engine, its devices and its fine-tuning.
 */
package dev.kindling.spring.observability;
