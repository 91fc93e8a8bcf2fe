package dev.liaison.gateway.envelope;

/** Envelope bytes that do not follow docs/protocol.md: truncated, wrong lengths, a ciphertext off the size buckets. */
public final class MalformedEnvelopeException extends EnvelopeException {
    private static final long serialVersionUID = 1L;

    public MalformedEnvelopeException(String message) {
        super(message);
    }
}
