package dev.liaison.mapping.alias;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An alias address, lower-cased. Only the plain dot-atom subset of RFC 5321 is allowed
 * ({@code local@domain}, ASCII letters, digits, and {@code . - _ +} in the local part): the
 * characters relay tricks rely on ({@code % ! " @ :} and non-ASCII look-alikes) are never part of
 * an alias, so no spelling of one can match a stored address.
 */
public record AliasAddress(String value) {

    private static final Pattern FORMAT = Pattern.compile(
            "[a-z0-9](?:[a-z0-9._+-]{0,62}[a-z0-9])?@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final int MAX_LENGTH = 254;

    public AliasAddress {
        if (value == null || value.length() > MAX_LENGTH || !FORMAT.matcher(value).matches()
                || value.contains("..")) {
            throw new InvalidAliasException("invalid alias address '" + value + "'");
        }
    }

    /** Parses user input, matching case-insensitively (ASCII only: no locale surprises). */
    public static AliasAddress parse(String input) {
        return new AliasAddress(input == null ? null : input.trim().toLowerCase(Locale.ROOT));
    }

    public static AliasAddress of(String localPart, String domain) {
        return parse(localPart + "@" + domain);
    }

    public String localPart() {
        return value.substring(0, value.indexOf('@'));
    }

    public String domain() {
        return value.substring(value.indexOf('@') + 1);
    }

    @Override
    public String toString() {
        return value;
    }
}
