package dev.kindling.core.serving.model;

import java.util.Collection;

/** A request named a model that is not configured. */
public class UnknownModelException extends RuntimeException {

    public UnknownModelException(String name, Collection<String> known) {
        super("no model named '" + name + "'; configured models: " + known);
    }
}
