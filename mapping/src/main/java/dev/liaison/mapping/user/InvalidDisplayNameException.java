package dev.liaison.mapping.user;

/** A display name that cannot be stored: too long, or with control characters (it goes into header fields). */
public final class InvalidDisplayNameException extends UserException {
    /** The schema's bound (users_display_name_length), checked first so the caller hears why. */
    static final int MAX_CHARS = 200;

    InvalidDisplayNameException(String message) {
        super(message);
    }

    /**
     * Returns {@code name} if it can be stored; also the check of any other name an administrator
     * gives for a user to be shown by (a header field's display name).
     */
    public static String check(String name) {
        int characters = name.codePointCount(0, name.length()); // as PostgreSQL's length() counts them
        if (characters > MAX_CHARS) {
            throw new InvalidDisplayNameException("a display name has at most " + MAX_CHARS + " characters; this one has "
                    + characters);
        }
        if (name.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidDisplayNameException("a display name must not contain control characters (line breaks, tabs)");
        }
        return name;
    }
}
