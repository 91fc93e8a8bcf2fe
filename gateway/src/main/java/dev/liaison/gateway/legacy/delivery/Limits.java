package dev.liaison.gateway.legacy.delivery;

import java.time.Duration;

/**
 * Every bound of outbound legacy email, in one place. The queue's own bounds (batch, backoff,
 * expiry) are the sending service's ({@link dev.liaison.gateway.transport.Limits}).
 */
public final class Limits {

    /**
     * Largest message queued for plain email, in octets, before signing: the queue's envelope
     * bound ({@value dev.liaison.gateway.transport.Limits#MAX_ENVELOPE_BYTES}) less room for the
     * {@code DKIM-Signature} field. Most receiving servers accept 25 MB or less anyway.
     */
    public static final int MAX_MESSAGE_BYTES = dev.liaison.gateway.transport.Limits.MAX_ENVELOPE_BYTES - 8 * 1024;

    /**
     * How long the Message-ID of a plain email a user sent makes a report naming it one for INBOX
     * ({@code mapping.legacy_sent_ids}): a sending server gives up within 4-5 days (RFC 5321
     * §4.5.4.1), a read receipt comes when the message is read. A later report goes to Junk, with
     * a warning; nothing is lost. Forgotten after that by {@code Bookkeeping}.
     */
    public static final Duration SENT_ID_MEMORY = Duration.ofDays(30);

    /** RFC 5321 §4.5.3.1.3: a path is at most 256 octets, so an address fits in 254. */
    public static final int MAX_ADDRESS_LENGTH = 254;

    /** RFC 5322 §2.1.1: a line is at most 998 octets before its CRLF; longer ones are refused by servers. */
    public static final int MAX_LINE_OCTETS = 998;

    /**
     * Deepest MIME nesting (multiparts and attached messages, each a level) converted to 7-bit
     * before signing ({@link SevenBitBody}); an entity deeper down goes as it is. Each level is read
     * once more, and the conversion runs once per plain-email recipient, so this bounds the work on
     * a message nested deeply to 32 readings of it: a message forwarded as an attachment fifteen
     * times over is still converted whole (two levels a forward).
     */
    public static final int MAX_CONVERTED_MIME_DEPTH = 32;

    /** Login names kept with a queued message (the owner whose INBOX gets a failure notice). */
    public static final int MAX_OWNER_LENGTH = 254;

    /** RSA modulus of the DKIM key (RFC 8301 §3.2: at least 1024, 2048 recommended). */
    public static final int DKIM_KEY_BITS = 2048;

    /** MX hosts tried for one domain, best preference first (RFC 5321 §5.1 lets us bound it). */
    public static final int MAX_MX_HOSTS = 10;

    /** Addresses tried per MX host. */
    public static final int MAX_ADDRESSES_PER_HOST = 4;

    /** Addresses tried altogether in one delivery attempt, over every MX host. */
    public static final int MAX_TARGETS = 10;

    /** The port mail exchangers listen on (RFC 5321 §4.5.4.2 assumes 25). */
    public static final int SMTP_PORT = 25;

    /** Time allowed to open a connection to an SMTP server. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Time allowed for one reply or one write. RFC 5321 §4.5.3.2 suggests minutes for each
     * command; a shorter bound per step keeps one attempt, over {@link #MAX_TARGETS} servers, well
     * inside the claim lease.
     */
    public static final Duration IO_TIMEOUT = Duration.ofSeconds(60);

    /**
     * How long a claimed message belongs to one worker. Longer than the relay's: an attempt may
     * walk through several MX hosts, each allowed {@link #CONNECT_TIMEOUT} plus a few
     * {@link #IO_TIMEOUT}s. Another worker sends the message again only after the lease ends.
     */
    public static final Duration CLAIM_LEASE = Duration.ofMinutes(30);

    /** SMTP conversations in flight from one process altogether. */
    public static final int DELIVERY_THREADS = 8;

    /** SMTP conversations in flight to one recipient domain from one process. */
    public static final int DOMAIN_CONCURRENCY = 2;

    /** Time allowed for one DNS query. */
    public static final Duration DNS_TIMEOUT = Duration.ofSeconds(10);

    private Limits() {
    }
}
