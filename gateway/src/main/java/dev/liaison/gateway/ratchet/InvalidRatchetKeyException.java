package dev.liaison.gateway.ratchet;

/** The peer's ratchet public key is a low-order point, which would give a known shared secret. */
public final class InvalidRatchetKeyException extends RatchetException {
    private static final long serialVersionUID = 1L;

    public InvalidRatchetKeyException(String message) {
        super(message);
    }
}
