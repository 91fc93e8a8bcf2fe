package dev.liaison.gateway.keys;

/**
 * The key-encryption key file cannot be used: unreadable, the wrong size, or open to other users.
 * Start-up stops; a new key is never generated over an existing file, since that would make
 * every sealed row unreadable.
 */
public final class KeyFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KeyFileException(String message) {
        super(message);
    }

    public KeyFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
