package dev.kindling.core.serving.guard;

import dev.kindling.core.serving.model.LabelledExample;

/** An example a validation gate scores versions on, with the log sequence it was trained at (0: from a file). */
public record HeldOutExample(LabelledExample example, long sequence) {
}
