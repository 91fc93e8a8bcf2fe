package dev.liaison.gateway;

import java.time.Duration;
import java.util.List;

/**
 * Every bound on input the gateway accepts, named in one place (as libsignal's {@code limits.rs}
 * does), so {@code docs/protocol.md} and the code cannot drift apart silently. Decoders check these
 * before allocating; a value over its limit is refused with the capability's malformed-input error.
 */
public final class Limits {

    // --- Double Ratchet -------------------------------------------------------------------------

    /** Default for how many message keys one message may skip, and how many skipped keys are kept. */
    public static final int DEFAULT_MAX_SKIPPED_MESSAGE_KEYS = 1000;
    /** Ceiling for a configured skipped-key limit, which also bounds a decoded ratchet state. */
    public static final int MAX_SKIPPED_MESSAGE_KEYS_CEILING = 10_000;
    /**
     * Receiving chains (header keys) whose skipped keys are kept, the current one included; keys of
     * older chains are dropped, oldest chain first. Every incoming message is tried against each
     * chain's header key, so this bounds that work as well as the memory.
     */
    public static final int MAX_SKIPPED_KEY_CHAINS = 8;
    /**
     * A ratchet counter (Ns, Nr, PN, a message number) never exceeds this (u32 on the wire, kept in
     * a Java int). A sending chain therefore carries messages 0 .. MAX − 1: after that the end cannot
     * send until a reply starts a new chain, and a message numbered MAX is refused.
     */
    public static final int MAX_MESSAGE_NUMBER = Integer.MAX_VALUE;

    // --- Envelope and padding -------------------------------------------------------------------

    /**
     * Largest ratchet ciphertext an envelope carries. 16 MiB, so a relationship carries what plain
     * email through the same queue does (a phone's photos, an ordinary document); it was 4 MiB, and
     * such mail was refused after the client had sent it all. Bigger content would go out of band
     * (the seed's attachments), which is not built.
     */
    public static final int MAX_CIPHERTEXT_BYTES = 16 * 1024 * 1024;
    /** Largest encoded envelope: header, address and the largest ciphertext. */
    public static final int MAX_ENVELOPE_BYTES = MAX_CIPHERTEXT_BYTES + 1024;
    /**
     * Ciphertext lengths an envelope may have: powers of two from 1 KiB, so the length shows only
     * which bucket a message falls in (at most doubling its size on the wire).
     */
    public static final List<Integer> CIPHERTEXT_BUCKETS = buckets();

    // --- Payload --------------------------------------------------------------------------------

    public static final int MAX_PAYLOAD_ITEMS = 64;
    public static final int MAX_FIELDS_PER_ITEM = 256;
    public static final int MAX_ACKNOWLEDGED_PAYLOADS = 256;
    public static final int MAX_DISPLAY_NAME_BYTES = 128;

    // --- Addresses and receiving services -------------------------------------------------------

    public static final int MAX_SERVICE_URL_BYTES = 255;
    /** Receiving services one party lists for a relationship (the seed asks for at least two). */
    public static final int MAX_DELIVERY_ROUTES = 4;
    public static final int MAX_ADDRESSES_PER_ROUTE = 8;
    /** Diversification key generations a receiving service keeps at once (current plus retiring). */
    public static final int MAX_SERVICE_KEY_GENERATIONS = 16;
    /**
     * Longest validity a signed address may have, counted from the time it is checked: the user's
     * gateway refuses to make a longer one, the receiving service refuses to resolve one.
     */
    public static final Duration MAX_ADDRESS_LIFETIME = Duration.ofDays(400);

    // --- Invitation and key agreement -----------------------------------------------------------

    /** Keeps the token, URI and QR code (byte mode, level L holds 2953 bytes) in one symbol. */
    public static final int MAX_INVITATION_BYTES = 2048;
    public static final int MAX_ONE_TIME_PREKEYS = 4;
    /** Longest validity the inviter may give an invitation; the acceptor refuses a longer one. */
    public static final Duration MAX_INVITATION_LIFETIME = Duration.ofDays(30);
    public static final int MAX_KEY_AGREEMENT_BYTES = 4096;

    // --- Time ----------------------------------------------------------------------------------

    /**
     * How far ahead of the checker's clock the issuer's clock may be when a lifetime cap is checked
     * on another machine (an invitation is often accepted seconds after it is issued, so a 30-day
     * invitation would otherwise be refused for a clock that is one second ahead).
     */
    public static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofMinutes(5);

    /** Latest timestamp on the wire (9999-12-31T23:59:59Z), in u64 epoch seconds; beyond it is malformed. */
    public static final long MAX_EPOCH_SECOND = 253_402_300_799L;

    // --- Operations: metrics, health, autoconfiguration (docs/operations.md) --------------------

    /**
     * Destination hosts that get their own {@code host} tag on the delivery metrics; later ones
     * are counted under {@code host="other"}. Every tag value is a time series the scraper keeps.
     */
    public static final int MAX_METRIC_DESTINATION_HOSTS = 256;
    /** IMAP command names that get their own {@code command} tag; James knows fewer than 64. */
    public static final int MAX_METRIC_IMAP_COMMANDS = 64;
    /** How long a health check or a metrics scrape waits for the database before saying so. */
    public static final Duration DATABASE_PROBE_TIMEOUT = Duration.ofSeconds(2);
    /** Database probes waiting behind one that has not returned; more are refused at once. */
    public static final int DATABASE_PROBE_QUEUE = 4;
    /** Longest address an autoconfiguration request may name (RFC 5321 §4.5.3.1: a 256-octet path). */
    public static final int MAX_AUTOCONFIG_ADDRESS_LENGTH = 254;

    private Limits() {
    }

    private static List<Integer> buckets() {
        java.util.ArrayList<Integer> sizes = new java.util.ArrayList<>();
        for (int size = 1024; size <= MAX_CIPHERTEXT_BYTES; size *= 2) {
            sizes.add(size);
        }
        return List.copyOf(sizes);
    }
}
