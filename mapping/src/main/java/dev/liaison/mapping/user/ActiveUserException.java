package dev.liaison.mapping.user;

/** An active user cannot be removed: disabling first shows what losing the account does, undoably. */
public final class ActiveUserException extends UserException {

    public ActiveUserException(Login login) {
        super("user " + login + " is active; disable them first: liaison user disable " + login);
    }
}
