package dev.liaison.gateway.envelope;

/** Decrypted padding that is not a valid length prefix followed by zero bytes. */
public final class MalformedPaddingException extends EnvelopeException {
    private static final long serialVersionUID = 1L;

    public MalformedPaddingException(String message) {
        super(message);
    }
}
