package dev.liaison.imap.server;

/**
 * Every bound imap-out puts on its input, in one place (STYLE §1). A value over a bound gets a
 * protocol error ({@code BAD}/{@code NO}) and changes nothing.
 */
public final class Limits {

    /** Largest message APPEND or a delivery accepts, in octets; also announced as APPENDLIMIT (RFC 7889). */
    public static final int MESSAGE_OCTETS = 50 * 1024 * 1024;
    /** Longest command line outside literals, in octets. */
    public static final int LINE_OCTETS = 64 * 1024;
    /**
     * Largest literal before login: LOGIN's and AUTHENTICATE's arguments need little, and without
     * this bound anyone could make the server spool {@link #MESSAGE_OCTETS} to a temporary file per
     * connection (Dovecot's imap-login refuses big literals too). A larger one is refused before
     * any continuation.
     */
    public static final int UNAUTHENTICATED_LITERAL_OCTETS = 8 * 1024;
    /** Literals up to this size are buffered in memory; larger ones go to a temporary file. */
    public static final int IN_MEMORY_LITERAL_OCTETS = 1024 * 1024;
    /** Most characters of decoded header and body text kept per message for SEARCH. */
    public static final int SEARCH_TEXT_CHARS = 1024 * 1024;
    /**
     * Commands processed at once by one server (James's throttler); the rest wait in a bounded
     * queue. Nesting depth and sequence-set size are bounded by {@link #LINE_OCTETS}: a command
     * nested too deeply for the parser is answered BAD.
     */
    public static final int CONCURRENT_REQUESTS = 64;
    /** Commands queued in one server before it answers NO to more. */
    public static final int QUEUED_REQUESTS = 65_536;
    /** Pipelined commands of one connection waiting for an answer before the server stops reading it. */
    public static final int PIPELINED_COMMANDS = 256;
    /**
     * Longest a logged-in session goes on after its user was disabled or removed: the user's state
     * is asked again on the first command after this much time, and every this much during IDLE
     * ({@link AccountCheck}).
     */
    public static final java.time.Duration ACCOUNT_CHECK_INTERVAL = java.time.Duration.ofSeconds(60);
    /**
     * Connections one listener keeps open at once; one more hears {@code * BYE} instead of the
     * greeting. Higher than submission's 256: IMAP connections last (IDLE), several per user.
     */
    public static final int CONNECTIONS = 1024;
    /**
     * Connections not yet logged in from one client address (IPv4, or an IPv6 /64) per listener,
     * as submission's {@code maxConnectionsPerAddress}; one more hears {@code * BYE}. Logged-in
     * connections do not count: the users of one office share one NAT address.
     */
    public static final int UNAUTHENTICATED_CONNECTIONS_PER_ADDRESS = 16;
    /** How long a connection may take to log in before it hears {@code * BYE} (Dovecot's imap-login: 3 minutes). */
    public static final java.time.Duration LOGIN_TIMEOUT = java.time.Duration.ofMinutes(3);
    /** Longest folder name, in characters. */
    public static final int MAILBOX_NAME_CHARS = 200;
    /**
     * Most part numbers in a FETCH section ({@code BODY[1.2.3]}); a deeper one names no part and
     * is answered with the empty string, as a part that does not exist is.
     */
    public static final int SECTION_PART_DEPTH = 64;
    /**
     * How deep BODY and BODYSTRUCTURE describe a message's MIME tree (multiparts and attached
     * messages, each a level); an entity with parts at this depth is described as an opaque
     * {@code text/plain} body, as Dovecot's message parser stops at its nesting limit. mime4j reads
     * each level through one more stream, and some thousand levels overflowed the stack and left the
     * FETCH unanswered. The same as {@link #SECTION_PART_DEPTH}, so every part described can be fetched.
     */
    public static final int MIME_NESTING = SECTION_PART_DEPTH;
    /**
     * Most patterns in one LIST's pattern list (RFC 5258 §3): each is a search of its own, and
     * the line alone would allow thousands. More is {@code NO [LIMIT]}.
     */
    public static final int LIST_PATTERNS = 64;
    /** Longest delivery id, in characters. */
    public static final int DELIVERY_ID_CHARS = 200;

    private Limits() {
    }
}
