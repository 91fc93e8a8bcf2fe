package dev.liaison.mapping.user;

import java.util.regex.Pattern;

/**
 * A user's login: 1 to 64 of lower-case letters, digits, '.', '-', '_'. That is the form every
 * stored login has (the table's check) and what sign-in accepts. A <em>new</em> login must also be
 * usable as the local part of the user's address ({@code login@domain}, in the notices the gateway
 * writes to its users): see {@link #ofNew}.
 */
public record Login(String value) {

    /** The longest local part RFC 5321 section 4.5.3.1.1 allows. */
    public static final int MAX_LENGTH = 64;

    private static final Pattern FORMAT = Pattern.compile("[a-z0-9._-]{1," + MAX_LENGTH + "}");

    /**
     * RFC 5321's Dot-string (RFC 5322's dot-atom-text) over {@link #FORMAT}'s characters: no '.'
     * first, last or twice in a row; and beginning and ending with a letter or digit, so a login
     * never reads as a command-line option ({@code -x}) nor ends in punctuation.
     */
    private static final Pattern NEW_FORMAT = Pattern.compile("(?!.*\\.\\.)[a-z0-9](?:[a-z0-9._-]{0,"
            + (MAX_LENGTH - 2) + "}[a-z0-9])?");

    public Login {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new InvalidLoginException(value);
        }
    }

    public static Login of(String value) {
        return new Login(value);
    }

    /**
     * A login for a user about to be added: besides {@link #of}'s form, a dot-atom local part (no
     * '.' first, last or twice in a row) beginning and ending with a letter or digit.
     * {@link InvalidLoginException} saying what is wrong otherwise. Existing users keep their
     * logins: only {@link UserStore#add} applies this rule.
     */
    public static Login ofNew(String value) {
        if (value == null || !NEW_FORMAT.matcher(value).matches()) {
            throw InvalidLoginException.forNewUser(value, value == null ? "it is missing" : problem(value));
        }
        return of(value);
    }

    private static String problem(String value) {
        if (value.isEmpty()) {
            return "it is empty";
        }
        if (value.length() > MAX_LENGTH) {
            return "it is " + value.length() + " characters long";
        }
        int other = value.codePoints().filter(c -> !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.'
                || c == '-' || c == '_')).findFirst().orElse(-1);
        if (other >= 'A' && other <= 'Z') {
            return "it has upper-case letters";
        }
        if (other != -1) {
            return "it has " + (Character.isWhitespace(other) ? "a space" : Character.isISOControl(other)
                    ? String.format("a control character (U+%04X)", other) : "'" + Character.toString(other) + "'");
        }
        char first = value.charAt(0);
        if (!Character.isLetterOrDigit(first)) {
            return "it begins with '" + first + "'";
        }
        char last = value.charAt(value.length() - 1);
        if (!Character.isLetterOrDigit(last)) {
            return "it ends with '" + last + "'";
        }
        return "it has two dots in a row";
    }

    @Override
    public String toString() {
        return value;
    }
}
