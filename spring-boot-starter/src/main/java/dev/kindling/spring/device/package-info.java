/**
 * The engine's devices behind Resilience4j guards (bulkhead, circuit breaker, time limit per device): the starter's InferenceRouter.
 */
package dev.kindling.spring.device;
