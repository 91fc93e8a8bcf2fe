package dev.liaison.smtp.authentication;

/**
 * What the inbound MX does with a message after DMARC (RFC 7489 §6.6.4). Only {@link #DELIVER}
 * and {@link #QUARANTINE} ever reach the {@code InboundHandler}: {@link #REJECT} is answered
 * {@code 550 5.7.1}, {@link #DEFER} {@code 451 4.4.3}.
 */
public enum DmarcDisposition {
    /** Passed, or no policy asks for anything. */
    DELIVER,
    /** Failed under {@code p=quarantine} (or under {@code p=reject} at {@code pct} below 100): file as junk. */
    QUARANTINE,
    /** Failed under {@code p=reject}. */
    REJECT,
    /**
     * Would fail under a policy that may be {@code p=reject}, but a DNS answer that could have
     * changed that is missing; the sender is asked to retry.
     */
    DEFER
}
