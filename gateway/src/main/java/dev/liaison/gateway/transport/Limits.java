package dev.liaison.gateway.transport;

import java.time.Duration;

/**
 * Every bound of the transport layer, in one place (the style of libsignal's {@code limits.rs}).
 * Defaults that an administrator may change are marked; the rest protect the process from its
 * peers and are not configurable.
 */
public final class Limits {

    /**
     * Largest envelope accepted or sent, in bytes. Mail bodies with attachments are carried in
     * the envelope, so this also bounds the largest message; the receiver never buffers more
     * than this for one request. Published in {@code /.well-known/communicator.json}. The protocol's
     * largest envelope, so the queue carries any a relationship seals.
     */
    public static final int MAX_ENVELOPE_BYTES = dev.liaison.gateway.Limits.MAX_ENVELOPE_BYTES;

    /** Longest {@code Envelope-Id} accepted: ids are random tokens, not data. */
    public static final int MAX_ENVELOPE_ID_LENGTH = 64;

    /** Longest destination endpoint URL kept in the outbound queue. */
    public static final int MAX_DESTINATION_LENGTH = 2048;

    /** Longest error text kept on a queue row (operators read it; peers could otherwise fill it). */
    public static final int MAX_ERROR_TEXT = 500;

    // --- sending service -------------------------------------------------------------------

    /** Default time after which an undelivered envelope expires (administrator: relay.expiry). */
    public static final Duration DEFAULT_EXPIRY = Duration.ofDays(5);

    /** First retry delay; each further failure doubles it, with jitter, up to the ceiling. */
    public static final Duration RETRY_BASE = Duration.ofSeconds(5);

    /** Longest wait between two attempts at one envelope. */
    public static final Duration RETRY_CEILING = Duration.ofMinutes(30);

    /**
     * How long a claimed envelope belongs to one worker. Must exceed {@link #REQUEST_TIMEOUT}
     * plus the time to record the outcome, or a slow worker and a second one would both send.
     */
    public static final Duration CLAIM_LEASE = Duration.ofMinutes(2);

    /** Connect plus response time allowed for one POST. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /** Connect time allowed to a receiving service. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** Default POSTs in flight to one destination from one process (relay.destination-concurrency). */
    public static final int DEFAULT_DESTINATION_CONCURRENCY = 4;

    /** Default POSTs in flight from one process to all destinations together. */
    public static final int DEFAULT_DELIVERY_THREADS = 16;

    /** Rows claimed or expired per database round trip. */
    public static final int CLAIM_BATCH = 64;
    /**
     * Envelopes expired per transaction. Small: each comes back with its bytes (a plain-email bounce
     * attaches the message), up to {@link #MAX_ENVELOPE_BYTES} each, and its failure notice is filed
     * in the same transaction.
     */
    public static final int EXPIRY_BATCH = 4;

    /** Longest Retry-After from a peer that we honour; longer ones are capped. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

    /**
     * Polling interval of the queues. LISTEN/NOTIFY wakes workers at once; polling catches what
     * a notification cannot: retries falling due, and notifications lost while reconnecting.
     */
    public static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

    // --- receiving service -----------------------------------------------------------------

    /** Longest HTTP request line; our paths are short. */
    public static final int MAX_INITIAL_LINE = 1024;

    /** Largest HTTP header block of one request. */
    public static final int MAX_HEADER_BYTES = 8 * 1024;

    /** Unresolvable envelopes a peer may send per window before it gets 429. */
    public static final int UNRESOLVABLE_THRESHOLD = 100;

    /** The sliding window over which unresolvable envelopes are counted. */
    public static final Duration UNRESOLVABLE_WINDOW = Duration.ofMinutes(10);

    /** Peers whose unresolvable counts are remembered; the least recently seen are forgotten. */
    public static final int MAX_TRACKED_PEERS = 10_000;

    /** Idle time after which a peer's connection is closed. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Connections the receiving service holds at once; one peer (an IPv4 address, an IPv6 /64) at
     * most a quarter. A sending node keeps a few (relay.destination-concurrency); without a bound one
     * client could open connections until the process runs out of file descriptors, and every
     * listener of the gateway with it.
     */
    public static final int MAX_CONNECTIONS = 512;

    /**
     * How long a request's head may take to arrive: from the connection (TLS handshake included),
     * or from the end of the previous answer plus {@link #IDLE_TIMEOUT}. The idle timeout restarts on
     * every byte, so without this a client sending a header line every few seconds held its
     * connection for ever.
     */
    public static final Duration HEAD_DEADLINE = Duration.ofSeconds(30);

    /**
     * The slowest an envelope upload may arrive (see {@link dev.liaison.smtp.message.ArrivalPace}):
     * 32 KiB/s after 10 s; the largest envelope may take about nine minutes, and any server link is faster.
     */
    public static final dev.liaison.smtp.message.ArrivalPace UPLOAD_PACE =
            new dev.liaison.smtp.message.ArrivalPace(32 * 1024, Duration.ofSeconds(10));

    /** Paths besides the transport's own that one listener may serve (metrics, health, autoconfig). */
    public static final int MAX_HTTP_RESOURCES = 16;

    /** Query parameters decoded for such a path; further ones are ignored. */
    public static final int MAX_QUERY_PARAMETERS = 8;

    /** Threads that store envelopes (blocking database work, off the network event loop). */
    public static final int INTAKE_THREADS = 8;

    /** Processing failures after which an inbound envelope is quarantined. */
    public static final int MAX_PROCESSING_ATTEMPTS = 5;

    /** Delay before an inbound envelope whose processing failed is tried again. */
    public static final Duration PROCESSING_RETRY = Duration.ofSeconds(10);

    /**
     * How long a finished envelope's row is kept: longer than any sender keeps retrying
     * ({@link #DEFAULT_EXPIRY}), so a late resend of an inbound envelope, or a client's retry of a
     * submission whose legacy delivery id is derived from it, is still recognised.
     */
    public static final Duration DEDUPLICATION_RETENTION = Duration.ofDays(8);

    /** Finished rows deleted per transaction when a queue forgets them (short transactions, few locks). */
    public static final int PRUNE_BATCH = 1_000;

    private Limits() {
    }

    /**
     * Default for the envelope bytes a receiver holds over all connections at once: a quarter of
     * the heap, at most 256 MiB, never less than one envelope of {@code maxEnvelopeBytes}. Bodies
     * beyond it are answered 503 and retried by their senders ({@code dev.liaison.smtp.message.OctetBudget}).
     */
    public static long bufferedEnvelopeBytes(int maxEnvelopeBytes) {
        return Math.max(maxEnvelopeBytes, Math.min(256L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 4));
    }
}
