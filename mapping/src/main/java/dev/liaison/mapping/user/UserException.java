package dev.liaison.mapping.user;

/** A user operation the caller asked for could not be done; the message says why. */
public abstract class UserException extends RuntimeException {

    protected UserException(String message) {
        super(message);
    }
}
