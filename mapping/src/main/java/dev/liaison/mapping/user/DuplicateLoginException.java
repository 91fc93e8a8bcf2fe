package dev.liaison.mapping.user;

/** A user with this login exists already. */
public final class DuplicateLoginException extends UserException {

    public DuplicateLoginException(Login login) {
        super("user '" + login + "' already exists");
    }
}
