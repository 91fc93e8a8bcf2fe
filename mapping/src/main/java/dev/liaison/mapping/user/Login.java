package dev.liaison.mapping.user;

import java.util.regex.Pattern;

/** A user's login: 1 to 64 of lower-case letters, digits, '.', '-', '_'. */
public record Login(String value) {

    private static final Pattern FORMAT = Pattern.compile("[a-z0-9._-]{1,64}");

    public Login {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new InvalidLoginException(value);
        }
    }

    public static Login of(String value) {
        return new Login(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
