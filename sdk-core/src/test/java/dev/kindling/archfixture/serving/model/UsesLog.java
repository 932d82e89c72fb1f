package dev.kindling.archfixture.serving.model;

/** Half of a forbidden cycle between two serving sub-packages. */
public class UsesLog {
    dev.kindling.archfixture.serving.log.UsesModel log;
}
