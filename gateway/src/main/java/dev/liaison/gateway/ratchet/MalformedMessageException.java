package dev.liaison.gateway.ratchet;

/** Ratchet message bytes that do not follow the layout of docs/protocol.md. */
public final class MalformedMessageException extends RatchetException {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message);
    }
}
