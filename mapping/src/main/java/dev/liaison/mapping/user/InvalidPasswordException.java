package dev.liaison.mapping.user;

/** A new password that cannot be accepted (empty or too long). */
public final class InvalidPasswordException extends UserException {

    public InvalidPasswordException(String message) {
        super(message);
    }
}
