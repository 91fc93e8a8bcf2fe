package dev.liaison.mapping.alias;

/** An address or prefix that cannot be an alias. */
public final class InvalidAliasException extends AliasException {

    public InvalidAliasException(String message) {
        super(message);
    }
}
