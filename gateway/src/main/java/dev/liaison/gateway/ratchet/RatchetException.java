package dev.liaison.gateway.ratchet;

/**
 * Parent of every reason a ratchet message is refused. Whatever the subtype, the state passed in
 * is untouched and still current: the caller keeps it and persists nothing.
 */
public abstract class RatchetException extends Exception {
    private static final long serialVersionUID = 1L;

    protected RatchetException(String message) {
        super(message);
    }
}
