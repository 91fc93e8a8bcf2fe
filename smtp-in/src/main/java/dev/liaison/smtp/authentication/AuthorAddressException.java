package dev.liaison.smtp.authentication;

/**
 * The message has no single usable author address: no {@code From:} field, several, several
 * mailboxes in one, or one that does not parse. DMARC is evaluated against exactly one author
 * domain (RFC 7489 §6.6.1); anything else is the classic way around it, so the inbound MX refuses
 * the message ({@code 550 5.7.1}). The message says which of these it was, safe for a reply.
 */
public final class AuthorAddressException extends Exception {
    public AuthorAddressException(String message) {
        super(message);
    }
}
