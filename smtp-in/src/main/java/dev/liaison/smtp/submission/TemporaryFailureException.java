package dev.liaison.smtp.submission;

/**
 * Thrown by gateway's implementations when they cannot answer now (database unreachable, lock
 * timeout). smtp-in maps it to a 4xx reply so the client retries; it is never a refusal.
 */
public class TemporaryFailureException extends Exception {
    public TemporaryFailureException(String message) {
        super(message);
    }

    public TemporaryFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
