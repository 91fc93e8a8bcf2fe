package dev.liaison.gateway.ratchet;

/** Stored ratchet state bytes that are not a valid state of a supported version. */
public final class MalformedRatchetStateException extends RatchetException {
    private static final long serialVersionUID = 1L;

    public MalformedRatchetStateException(String message) {
        super(message);
    }
}
