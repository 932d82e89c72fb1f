package dev.kindling.core.serving.finetune;

/** A request named a fine-tuning job that does not exist (or was forgotten). */
public class UnknownJobException extends RuntimeException {

    public UnknownJobException(String id) {
        super("no fine-tuning job with id '" + id + "'");
    }
}
