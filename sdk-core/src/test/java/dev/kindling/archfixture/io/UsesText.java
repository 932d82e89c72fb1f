package dev.kindling.archfixture.io;

/** The other half of the text <-> io cycle. */
public class UsesText {
    dev.kindling.archfixture.text.UsesIo text;
}
