/**
 * Wiring of the serving engine: kindling.models.* properties become the engine's settings; the engine, its registry and classification service and one bean per model.
 */
package dev.kindling.spring.model;
