package dev.liaison.gateway.ratchet;

/** The header opened but the body's tag does not verify: the body was altered. */
public final class MessageAuthenticationException extends RatchetException {
    private static final long serialVersionUID = 1L;

    public MessageAuthenticationException(String message) {
        super(message);
    }
}
