package dev.liaison.smtp.inbound;

/**
 * Takes responsibility for a message the inbound MX accepted (implemented by gateway: deliver into
 * the recipients' mailboxes or their {@code Requests} folder, create a requested relationship,
 * file as junk when {@link InboundMessage#authentication()} says quarantine).
 *
 * <p>Contract: return normally only once the message is durably committed for every recipient;
 * smtp-in then answers {@code 250}. {@link RefusedMessageException} means "never as it is": the
 * sending server gets that 5xx and bounces. Any other exception means "not committed": it gets
 * {@code 451 4.3.0} and retries, so a handler that cannot tell whether its commit happened should
 * treat {@link InboundMessage#id()} as an idempotency key only within one attempt (a retry is a new
 * transaction with a new id; deduplicate on {@code Message-ID} if needed). Messages refused by DMARC
 * or a limit never get here. Called on a Netty I/O thread once per message; may block for the commit.
 * Must be thread-safe.
 */
@FunctionalInterface
public interface InboundHandler {
    void accept(InboundMessage message) throws Exception;
}
