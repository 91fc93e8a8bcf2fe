package dev.liaison.smtp.address;

/**
 * A mailbox in the only form this gateway accepts on the wire: an unquoted dot-atom local part
 * without {@code %} or {@code !}, an ASCII DNS domain, both lower-cased. Build it with
 * {@link PathParser}; the constructor re-checks so that no other path can make an invalid one.
 *
 * <p>Lower-casing the local part departs from RFC 5321 §2.4 (local parts are case-sensitive) on
 * purpose: every address this gateway serves is a generated alias compared case-insensitively, and
 * one canonical spelling keeps {@code Alias@Example.org} and {@code alias@example.org} from being
 * two recipients.
 */
public record EmailAddress(String localPart, String domain) {

    public EmailAddress {
        PathParser.requireCanonical(localPart, domain);
    }

    /** Strictly parses {@code local@domain} (no angle brackets); see {@link PathParser#parseMailbox}. */
    public static EmailAddress parse(String mailbox) throws AddressRefusedException {
        return PathParser.parseMailbox(mailbox);
    }

    @Override
    public String toString() {
        return localPart + "@" + domain;
    }
}
