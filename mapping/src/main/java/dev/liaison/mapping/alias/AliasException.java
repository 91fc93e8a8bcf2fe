package dev.liaison.mapping.alias;

/** An alias operation the caller asked for could not be done; the message says why. */
public abstract class AliasException extends RuntimeException {

    protected AliasException(String message) {
        super(message);
    }
}
