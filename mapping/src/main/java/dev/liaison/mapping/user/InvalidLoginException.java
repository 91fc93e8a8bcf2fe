package dev.liaison.mapping.user;

/** A login that does not match the allowed format. */
public final class InvalidLoginException extends UserException {

    /** The rule a new login must follow, as {@link Login#ofNew} checks it. */
    static final String NEW_RULE = "a login is the local part of the user's address (login@domain): use 1 to "
            + Login.MAX_LENGTH + " lower-case letters, digits, '.', '-' or '_', beginning and ending with a letter or"
            + " digit, without two dots in a row";

    public InvalidLoginException(String value) {
        super("invalid login '" + value + "': use 1 to " + Login.MAX_LENGTH
                + " lower-case letters, digits, '.', '-' or '_'");
    }

    private InvalidLoginException(String value, String problem) {
        super("invalid login '" + value + "': " + problem + "; " + NEW_RULE);
    }

    static InvalidLoginException forNewUser(String value, String problem) {
        return new InvalidLoginException(value, problem);
    }
}
