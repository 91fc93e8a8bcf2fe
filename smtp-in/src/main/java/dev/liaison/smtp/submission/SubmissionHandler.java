package dev.liaison.smtp.submission;

/**
 * Takes responsibility for an accepted message (implemented by gateway).
 *
 * <p>Contract: return normally only once the submission is durably committed (the transaction
 * that stores it has committed); smtp-in then answers {@code 250}. Any exception means "not
 * committed": the client gets {@code 451 4.3.0} and will retry, so a handler that cannot tell
 * whether its commit happened should treat {@link Submission#id()} as an idempotency key.
 * Called on a Netty I/O thread once per message; may block for the commit. Must be thread-safe.
 */
@FunctionalInterface
public interface SubmissionHandler {
    void commit(Submission submission) throws Exception;
}
