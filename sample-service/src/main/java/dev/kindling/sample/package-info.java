/**
 * The sample service: a Spring Boot application on the starter alone, with its own settings (API key, request size, the default model).
 */
package dev.kindling.sample;
