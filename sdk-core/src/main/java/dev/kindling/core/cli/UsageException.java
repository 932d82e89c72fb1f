package dev.kindling.core.cli;

/** A command-line mistake: the message says what was wrong, the usage text what is expected. */
final class UsageException extends IllegalArgumentException {

    final String usage;

    UsageException(String message, String usage) {
        super(message);
        this.usage = usage;
    }
}
