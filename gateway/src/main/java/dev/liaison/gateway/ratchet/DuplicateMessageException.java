package dev.liaison.gateway.ratchet;

/** A message whose key was already used: a replay or a duplicate delivery. */
public final class DuplicateMessageException extends RatchetException {
    private static final long serialVersionUID = 1L;

    public DuplicateMessageException(String message) {
        super(message);
    }
}
