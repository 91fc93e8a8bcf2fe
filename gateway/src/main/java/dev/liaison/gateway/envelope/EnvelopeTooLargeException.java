package dev.liaison.gateway.envelope;

/** An envelope over Limits.MAX_ENVELOPE_BYTES; refused before parsing. */
public final class EnvelopeTooLargeException extends EnvelopeException {
    private static final long serialVersionUID = 1L;

    public EnvelopeTooLargeException(String message) {
        super(message);
    }
}
