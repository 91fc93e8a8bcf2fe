package dev.liaison.smtp.envelope;

/**
 * Which of smtp-in's two services a MAIL or RCPT handler serves; the path grammar is the same
 * strict one for both, only who may start a transaction and which MAIL parameters exist differ.
 */
public enum SmtpService {
    /** Port 587/465: only after AUTH (RFC 6409 §4.1); {@code AUTH=} is a MAIL parameter (RFC 4954 §5). */
    SUBMISSION,
    /** Port 25: anyone may send, to this gateway's own addresses only; AUTH is not offered. */
    INBOUND;

    /** Whether MAIL and RCPT need an authenticated session ({@code 530 5.7.0} otherwise). */
    boolean requiresAuthentication() {
        return this == SUBMISSION;
    }
}
