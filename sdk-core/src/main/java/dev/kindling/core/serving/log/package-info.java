/**
 * The update log, a model's durable ordered record of accepted examples: the UpdateLog interface, the
 * local write-ahead-log implementation, the record codec and the poison-record quarantine. Depends on io,
 * text and serving.model.
 */
package dev.kindling.core.serving.log;
