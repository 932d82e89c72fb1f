package dev.kindling.core.serving.log;

/** A record of a model's update log: its sequence (1, 2, 3, ... in log order) and its bytes ({@link ExampleCodec}). */
public record LoggedRecord(long sequence, byte[] payload) {
}
