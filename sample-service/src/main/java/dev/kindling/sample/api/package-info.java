/**
 * The REST API over the engine: models, classify, feedback, fine-tuning jobs; the API key, request-size filter and RFC 9457 problem details.
 */
package dev.kindling.sample.api;
