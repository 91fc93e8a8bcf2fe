package dev.liaison.smtp.address;

/**
 * A mailbox of an SMTPUTF8 transaction (RFC 6531) whose local part holds UTF-8 text: only ever a
 * sender at the inbound MX, never an address this gateway serves or writes to (its aliases are
 * ASCII, and plain email leaves without SMTPUTF8). The domain is kept as A-labels, lower-cased.
 * Build it with {@link PathParser#parseInternationalMailbox}.
 */
public record InternationalAddress(String localPart, String domain) {

    public InternationalAddress {
        if (localPart == null || localPart.isEmpty() || domain == null || PathParser.domainProblem(domain) != null) {
            throw new IllegalArgumentException("not a parsed international address: " + localPart + "@" + domain);
        }
    }

    @Override
    public String toString() {
        return localPart + "@" + domain;
    }
}
