package dev.liaison.gateway.envelope;

/** An envelope version this implementation does not speak. */
public final class UnsupportedEnvelopeVersionException extends EnvelopeException {
    private static final long serialVersionUID = 1L;

    public UnsupportedEnvelopeVersionException(String message) {
        super(message);
    }
}
