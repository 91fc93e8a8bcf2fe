package dev.liaison.gateway.autoconfig;

import dev.liaison.gateway.Limits;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An address on this gateway's domain as a profile request names it: a local part in the form of
 * a login or an alias ({@code [a-z0-9._-]}, 1 to 64, compared case-insensitively) and exactly the
 * gateway's domain. Whether such a user exists is not checked: the answer would tell strangers
 * which users exist, and a profile for a wrong name only leads to a failed login.
 *
 * @param localPart lower-cased; the login the profile names
 */
public record MailAddress(String localPart, String domain) {

    private static final Pattern LOCAL_PART = Pattern.compile("[a-z0-9._-]{1,64}");

    public MailAddress {
        if (!LOCAL_PART.matcher(localPart).matches()) {
            throw new IllegalArgumentException("local part is not [a-z0-9._-]{1,64}");
        }
    }

    /**
     * Parses {@code text} as an address on {@code domain}.
     *
     * @throws IllegalArgumentException if it is malformed or on another domain (the message
     *         repeats none of the input)
     */
    public static MailAddress parse(String text, String domain) {
        if (text.length() > Limits.MAX_AUTOCONFIG_ADDRESS_LENGTH) {
            throw new IllegalArgumentException("address longer than " + Limits.MAX_AUTOCONFIG_ADDRESS_LENGTH
                    + " characters");
        }
        int at = text.lastIndexOf('@');
        if (at < 1 || !text.substring(at + 1).equalsIgnoreCase(domain)) {
            throw new IllegalArgumentException("not an address on " + domain);
        }
        return new MailAddress(text.substring(0, at).toLowerCase(Locale.ROOT), domain.toLowerCase(Locale.ROOT));
    }

    public String text() {
        return localPart + "@" + domain;
    }
}
