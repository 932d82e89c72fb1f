package dev.kindling.archfixture.serving.log;

/** The other half of the serving.model <-> serving.log cycle. */
public class UsesModel {
    dev.kindling.archfixture.serving.model.UsesLog model;
}
