package dev.liaison.gateway.ratchet;

/** No header key of the session opens the header: altered, another session's, or from a chain whose keys were dropped. */
public final class UndecryptableHeaderException extends RatchetException {
    private static final long serialVersionUID = 1L;

    public UndecryptableHeaderException(String message) {
        super(message);
    }
}
