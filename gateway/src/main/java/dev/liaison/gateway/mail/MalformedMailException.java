package dev.liaison.gateway.mail;

/**
 * A message that is not RFC 5322 as the relay needs it (header syntax, a bound of
 * {@link MailLimits}, a missing or unparseable {@code Message-ID}). The message says what is wrong
 * and where; the caller refuses the message (5xx at submission, quarantine on receipt).
 */
public final class MalformedMailException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedMailException(String message) {
        super(message);
    }
}
