package dev.liaison.mapping.user;

/** No user has this login. */
public final class UnknownUserException extends UserException {

    public UnknownUserException(Login login) {
        super("no user '" + login + "' (see: liaison user list)");
    }
}
