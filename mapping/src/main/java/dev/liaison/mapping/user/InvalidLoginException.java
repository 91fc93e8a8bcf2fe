package dev.liaison.mapping.user;

/** A login that does not match the allowed format. */
public final class InvalidLoginException extends UserException {

    public InvalidLoginException(String value) {
        super("invalid login '" + value + "': use 1 to 64 lower-case letters, digits, '.', '-' or '_'");
    }
}
