package dev.liaison.gateway.transport.receive;

import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.transport.Limits;
import dev.liaison.gateway.transport.QueueWakeup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The durable inbound store (table {@code transport.inbound}): every envelope a peer got 202 for
 * is here, keyed by its unique envelope id. Uses the caller's connection, never commits.
 *
 * <p>After processing only the id is kept (bytes and peer are cleared: the message now lives in
 * the mailbox, and the peer's address is metadata we no longer need) until
 * {@link Limits#DEDUPLICATION_RETENTION} has passed.
 */
public final class InboundStore {

    /** The NOTIFY channel on which stored envelopes wake the inbound processors. */
    public static final String CHANNEL = "transport_inbound";

    private final Clock clock;

    public InboundStore(Clock clock) {
        this.clock = clock;
    }

    /** Whether an envelope with this id was ever stored (and not yet pruned). */
    public boolean contains(Connection c, EnvelopeId id) throws SQLException {
        try (var s = c.prepareStatement("SELECT 1 FROM transport.inbound WHERE envelope_id = ?")) {
            s.setString(1, id.value());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Stores an envelope the acceptor did not find malformed; an unresolvable one keeps only its
     * id. Returns false if the id was already stored (a resend): nothing changed.
     */
    public boolean store(Connection c, EnvelopeId id, EnvelopeBytes envelope, PeerAddress peer,
                         EnvelopeAcceptor.Verdict verdict) throws SQLException {
        boolean keep = verdict instanceof EnvelopeAcceptor.Resolved || verdict instanceof EnvelopeAcceptor.Deferred;
        if (!keep && !(verdict instanceof EnvelopeAcceptor.Unresolvable)) {
            throw new IllegalArgumentException("a " + verdict + " envelope is not stored");
        }
        Instant now = clock.instant();
        int inserted;
        try (var s = c.prepareStatement("INSERT INTO transport.inbound (envelope_id, envelope, peer, recipient, state,"
                + " received_at, next_attempt_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (envelope_id) DO NOTHING")) {
            s.setString(1, id.value());
            s.setBytes(2, keep ? envelope.sharedArray() : null);
            s.setString(3, keep ? peer.literal() : null);
            if (verdict instanceof EnvelopeAcceptor.Resolved resolved) {
                s.setLong(4, resolved.recipient());
            } else {
                s.setNull(4, Types.BIGINT);
            }
            s.setString(5, keep ? "pending" : "discarded");
            s.setObject(6, time(now));
            s.setObject(7, time(now));
            s.setObject(8, keep ? null : time(now));
            inserted = s.executeUpdate();
        }
        if (inserted == 1 && keep) {
            QueueWakeup.notifyOnCommit(c, CHANNEL);
        }
        return inserted == 1;
    }

    /**
     * Takes the id of a resolved envelope that this transaction processes at once, as a row already
     * {@code done} (only the id kept, nothing for the processors): {@link #finishReserved} changes
     * that before the commit if processing says otherwise (a failure rolls it back), and no
     * other transaction sees the row before then. A concurrent resend of the same id waits here for
     * this transaction and then finds the id taken. Returns false if it was taken.
     */
    public boolean reserve(Connection c, EnvelopeId id) throws SQLException {
        Instant now = clock.instant();
        try (var s = c.prepareStatement("INSERT INTO transport.inbound (envelope_id, state, received_at,"
                + " next_attempt_at, finished_at) VALUES (?, 'done', ?, ?, ?) ON CONFLICT (envelope_id) DO NOTHING")) {
            s.setString(1, id.value());
            s.setObject(2, time(now));
            s.setObject(3, time(now));
            s.setObject(4, time(now));
            return s.executeUpdate() == 1;
        }
    }

    /** Records the outcome of processing a {@link #reserve reserved} envelope (done needs no change). */
    public void finishReserved(Connection c, InboundEnvelope envelope, InboundProcessor.Outcome outcome)
            throws SQLException {
        if (outcome instanceof InboundProcessor.Unresolvable) {
            finish(c, envelope.id(), outcome);
        } else if (outcome instanceof InboundProcessor.Quarantine quarantine) {
            quarantine(c, envelope, quarantine.reason());
        }
    }

    /** The reserved row as {@link #store} would have written it, quarantined: kept whole for the administrator. */
    private void quarantine(Connection c, InboundEnvelope envelope, String error) throws SQLException {
        try (var s = c.prepareStatement("UPDATE transport.inbound SET envelope = ?, peer = ?, recipient = ?,"
                + " state = 'quarantined', last_error = ?, finished_at = ? WHERE envelope_id = ?")) {
            s.setBytes(1, envelope.envelope().sharedArray());
            s.setString(2, envelope.peer().literal());
            if (envelope.resolution() instanceof EnvelopeAcceptor.Resolved resolved) {
                s.setLong(3, resolved.recipient());
            } else {
                s.setNull(3, Types.BIGINT);
            }
            s.setString(4, bounded(error));
            s.setObject(5, time(clock.instant()));
            s.setString(6, envelope.id().value());
            if (s.executeUpdate() != 1) {
                throw new IllegalStateException("envelope " + envelope.id().value() + " was not reserved by this transaction");
            }
        }
    }

    /** Locks the oldest due pending envelope no other processor holds, until the transaction ends. */
    public Optional<InboundEnvelope> lockNext(Connection c) throws SQLException {
        try (var s = c.prepareStatement("SELECT envelope_id, envelope, recipient, peer, received_at, attempts"
                + " FROM transport.inbound WHERE state = 'pending' AND next_attempt_at <= ?"
                + " ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED")) {
            s.setObject(1, time(clock.instant()));
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long recipient = rs.getLong(3);
                EnvelopeAcceptor.Verdict resolution = rs.wasNull() ? new EnvelopeAcceptor.Deferred()
                        : new EnvelopeAcceptor.Resolved(recipient);
                return Optional.of(new InboundEnvelope(new EnvelopeId(rs.getString(1)), EnvelopeBytes.adopt(rs.getBytes(2)),
                        resolution, PeerAddress.parse(rs.getString(4)),
                        rs.getObject(5, OffsetDateTime.class).toInstant(), rs.getInt(6) + 1));
            }
        }
    }

    /** Records the processor's outcome for a locked envelope. */
    public void finish(Connection c, EnvelopeId id, InboundProcessor.Outcome outcome) throws SQLException {
        if (outcome instanceof InboundProcessor.Quarantine quarantine) {
            quarantine(c, id, quarantine.reason());
            return;
        }
        String state = outcome instanceof InboundProcessor.Done ? "done" : "discarded";
        try (var s = c.prepareStatement("UPDATE transport.inbound SET state = ?, envelope = NULL, peer = NULL,"
                + " recipient = NULL, finished_at = ? WHERE envelope_id = ?")) {
            s.setString(1, state);
            s.setObject(2, time(clock.instant()));
            s.setString(3, id.value());
            s.executeUpdate();
        }
    }

    /**
     * Counts a failed processing attempt of an envelope this transaction locked ({@link #lockNext}),
     * which is therefore pending; at {@code maxFailures} the envelope is quarantined, otherwise it is
     * due again after {@code retry}. Returns whether it was quarantined. The statement names no state:
     * with {@code state = 'pending'} the partial index of pending envelopes fits it too, and with
     * statistics of an empty store the planner read that index whole instead of the id's one entry.
     */
    public boolean recordFailure(Connection c, EnvelopeId id, String error, int maxFailures, Duration retry)
            throws SQLException {
        try (var s = c.prepareStatement("UPDATE transport.inbound SET attempts = attempts + 1, last_error = ?,"
                + " next_attempt_at = ?, state = CASE WHEN attempts + 1 >= ? THEN 'quarantined' ELSE state END,"
                + " finished_at = CASE WHEN attempts + 1 >= ? THEN ? ELSE finished_at END"
                + " WHERE envelope_id = ? RETURNING state")) {
            Instant now = clock.instant();
            s.setString(1, bounded(error));
            s.setObject(2, time(now.plus(retry)));
            s.setInt(3, maxFailures);
            s.setInt(4, maxFailures);
            s.setObject(5, time(now));
            s.setString(6, id.value());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getString(1).equals("quarantined");
            }
        }
    }

    private void quarantine(Connection c, EnvelopeId id, String reason) throws SQLException {
        try (var s = c.prepareStatement("UPDATE transport.inbound SET state = 'quarantined', last_error = ?,"
                + " finished_at = ? WHERE envelope_id = ?")) {
            s.setString(1, bounded(reason));
            s.setObject(2, time(clock.instant()));
            s.setString(3, id.value());
            s.executeUpdate();
        }
    }

    /** Where the envelope with this id stands, if it was stored. */
    public Optional<InboundStatus> status(Connection c, EnvelopeId id) throws SQLException {
        try (var s = c.prepareStatement("SELECT state, attempts, last_error, envelope IS NOT NULL"
                + " FROM transport.inbound WHERE envelope_id = ?")) {
            s.setString(1, id.value());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new InboundStatus(InboundStatus.State.valueOf(rs.getString(1).toUpperCase(Locale.ROOT)),
                        rs.getInt(2), rs.getString(3) == null ? "" : rs.getString(3), rs.getBoolean(4)));
            }
        }
    }

    /** The oldest quarantined envelopes, for the administrator. */
    public List<QuarantinedEnvelope> quarantined(Connection c, int limit) throws SQLException {
        try (var s = c.prepareStatement("SELECT envelope_id, received_at, attempts, last_error, length(envelope), recipient"
                + " FROM transport.inbound WHERE state = 'quarantined' ORDER BY received_at, id LIMIT ?")) {
            s.setInt(1, limit);
            List<QuarantinedEnvelope> found = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.add(new QuarantinedEnvelope(new EnvelopeId(rs.getString(1)),
                            rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getInt(3),
                            rs.getString(4) == null ? "" : rs.getString(4), rs.getInt(5),
                            Optional.ofNullable(rs.getObject(6, Long.class))));
                }
            }
            return found;
        }
    }

    /**
     * Gives a quarantined envelope another chance (after the administrator fixed the cause): it is
     * pending again with its failure count reset. Returns false if it is not quarantined.
     */
    public boolean release(Connection c, EnvelopeId id) throws SQLException {
        try (var s = c.prepareStatement("UPDATE transport.inbound SET state = 'pending', attempts = 0,"
                + " next_attempt_at = ?, finished_at = NULL WHERE envelope_id = ? AND state = 'quarantined'")) {
            s.setObject(1, time(clock.instant()));
            s.setString(2, id.value());
            boolean released = s.executeUpdate() == 1;
            if (released) {
                QueueWakeup.notifyOnCommit(c, CHANNEL);
            }
            return released;
        }
    }

    /**
     * Drops a quarantined envelope the administrator has given up on: its bytes, peer, recipient and
     * reason go, its id stays (as discarded, until the deduplication retention) so that a resend of
     * it is acknowledged as a duplicate and not taken again.
     * Returns false if it is not quarantined.
     */
    public boolean drop(Connection c, EnvelopeId id) throws SQLException {
        try (var s = c.prepareStatement("UPDATE transport.inbound SET state = 'discarded', envelope = NULL, peer = NULL,"
                + " recipient = NULL, last_error = NULL, finished_at = ? WHERE envelope_id = ? AND state = 'quarantined'")) {
            s.setObject(1, time(clock.instant()));
            s.setString(2, id.value());
            return s.executeUpdate() == 1;
        }
    }

    /**
     * How many stored envelopes wait for processing and how many are quarantined (for the metrics).
     * Pending rows are counted from the due index; quarantined ones by a scan of the table, which
     * holds only ids of processed envelopes besides them (pruned after the deduplication retention).
     */
    public Backlog backlog(Connection c) throws SQLException {
        try (var s = c.prepareStatement("SELECT (SELECT count(*) FROM transport.inbound WHERE state = 'pending'),"
                + " (SELECT count(*) FROM transport.inbound WHERE state = 'quarantined')");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return new Backlog(rs.getLong(1), rs.getLong(2));
        }
    }

    /** The inbound store's unfinished part. */
    public record Backlog(long pending, long quarantined) {
    }

    /**
     * Forgets at most {@code max} processed ids older than the retention, oldest first (found through
     * {@code inbound_finished}); returns how many. Quarantined rows stay. A batch, not everything at
     * once: after a gateway was down for days, days of ids pass the retention together.
     */
    public int prune(Connection c, Duration retention, int max) throws SQLException {
        try (var s = c.prepareStatement("DELETE FROM transport.inbound WHERE id IN (SELECT id FROM transport.inbound"
                + " WHERE state IN ('done', 'discarded') AND finished_at < ? ORDER BY finished_at LIMIT ?)")) {
            s.setObject(1, time(clock.instant().minus(retention)));
            s.setInt(2, max);
            return s.executeUpdate();
        }
    }

    private static String bounded(String text) {
        return text.length() <= Limits.MAX_ERROR_TEXT ? text : text.substring(0, Limits.MAX_ERROR_TEXT) + "…";
    }

    private static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
