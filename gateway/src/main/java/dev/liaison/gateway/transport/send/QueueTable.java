package dev.liaison.gateway.transport.send;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where one outbound queue keeps its rows and how its workers are woken. The Communicator relay
 * and legacy email share the queue's code (lease, retry with backoff, expiry, failure notices) but
 * not its table: an SMTP peer may hold a connection for minutes, and giving legacy mail its own
 * table and workers keeps a slow mail server from occupying the relay's delivery threads.
 *
 * @param label   names the queue's threads ({@code transport-deliver-1-2})
 * @param name    the schema-qualified table, with the columns of {@code transport.outbound}
 * @param channel the NOTIFY channel a commit of a new row signals
 * @param schemes the destination URL schemes the queue accepts (its {@link Courier} speaks them)
 * @param inOrder whether a destination's backlog must reach it oldest first: a retryable failure then
 *                backs off the destination as a whole and a new envelope waits behind the backlog
 *                ({@link OutboundQueue#scheduleRetry}, {@link OutboundQueue#enqueue}). The relay needs it:
 *                the receiving ratchet opens a message at most {@code Limits.DEFAULT_MAX_SKIPPED_MESSAGE_KEYS}
 *                positions out of order. Legacy email does not: an SMTP server's temporary refusal is often
 *                about one recipient (greylisting, a full mailbox) and must not hold up the domain's other mail.
 */
public record QueueTable(String label, String name, String channel, Set<String> schemes, boolean inOrder) {

    private static final Pattern LABEL = Pattern.compile("[a-z]{1,20}");
    private static final Pattern TABLE = Pattern.compile("[a-z_]{1,30}\\.[a-z_]{1,30}");

    /** The Communicator transport's envelopes, POSTed to receiving services. */
    public static final QueueTable TRANSPORT = new QueueTable("transport", "transport.outbound", "transport_outbound",
            Set.of("http", "https"), true);

    public QueueTable {
        // the name is written into SQL text: only a fixed, plain identifier is allowed
        if (!LABEL.matcher(label).matches() || !TABLE.matcher(name).matches()) {
            throw new IllegalArgumentException("queue label '" + label + "' must match " + LABEL + " and table '" + name
                    + "' must match " + TABLE);
        }
        Objects.requireNonNull(channel, "channel");
        schemes = Set.copyOf(schemes);
        if (schemes.isEmpty()) {
            throw new IllegalArgumentException("queue " + name + " must accept at least one destination scheme");
        }
    }

    /** Whether the queue's courier can carry to {@code scheme} (compared case-insensitively). */
    boolean accepts(String scheme) {
        return scheme != null && schemes.contains(scheme.toLowerCase(Locale.ROOT));
    }
}
