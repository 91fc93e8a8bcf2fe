package dev.liaison.gateway.transport.send;

import dev.liaison.gateway.transport.CommitDurability;
import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.transport.Limits;
import dev.liaison.gateway.transport.QueueWakeup;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The durable outbound queue (table {@code transport.outbound}, or another {@link QueueTable} of the
 * same shape). Like every store it uses the caller's connection and never commits: {@link #enqueue}
 * joins the relay's transaction, so the envelope is queued if and only if the ratchet advance and
 * the Sent copy commit.
 *
 * <p>A worker claims rows in a short transaction by giving them a lease (a claim token and an
 * end time) under {@code FOR UPDATE SKIP LOCKED}, so workers in several processes never wait
 * for each other nor take the same row; it POSTs with no transaction open and records the
 * outcome in another short transaction that only the token holder can make.
 *
 * <p>Order: a destination's due rows are taken by {@code (next_attempt_at, id)}, so envelopes due at
 * the same time go out in the order they were queued. In a queue kept {@link QueueTable#inOrder in
 * order}, a destination also has one retry timer in effect: a retryable failure moves all its waiting
 * envelopes to the failed one's next attempt, and an envelope queued meanwhile waits behind them. A
 * backlog therefore reaches its destination oldest first, at most
 * {@link DeliverySettings#destinationConcurrency} at a time: when one arrives, the only older ones
 * missing are those in flight beside it. The receiving ratchet opens messages up to
 * {@code Limits.DEFAULT_MAX_SKIPPED_MESSAGE_KEYS} positions out of order and no further (it lost
 * most of a shuffled backlog of 3,000: docs/transport.md, "Order").
 */
public final class OutboundQueue {

    /** The NOTIFY channel on which commits of new envelopes wake the delivery workers. */
    public static final String CHANNEL = QueueTable.TRANSPORT.channel();

    /**
     * The row a worker leased, still leased to it (bound: row id, claim token). The token alone says
     * the row is pending (constraint {@code outbound_claimed_only_while_pending}), so no state is
     * named: with {@code state = 'pending'} the partial indexes of pending rows fit the statement
     * too, and with statistics taken while the queue was empty the planner read one of them whole,
     * the entire backlog, instead of the primary key's one entry.
     */
    private static final String HELD = "id = ? AND claim_token = ?";

    /**
     * A destination's rows that may be leased now (bound: destination, then the time three times,
     * {@link #bindDueFor}): pending, due, not expired, not held by a live lease. Served by
     * {@code outbound_due_by_destination}, in {@link #IN_ORDER}.
     */
    private static final String DUE_FOR = "destination = ? AND state = 'pending' AND next_attempt_at <= ?"
            + " AND expires_at > ? AND (leased_until IS NULL OR leased_until <= ?)";

    /**
     * The order rows of one destination are taken in: due time, then queue order. The id decides among
     * rows due at once (a backlog moved to one retry time, {@link #scheduleRetry}); by due time alone
     * they came in any order. Read in this order from {@code outbound_due_by_destination}.
     */
    private static final String IN_ORDER = "next_attempt_at, id";

    private final Clock clock;
    private final Duration expiry;
    private final QueueTable table;
    private final String t;
    private final String node;
    /** The look at one destination, locking at most {@code i + 1} rows ({@link DeliverySettings#destinationConcurrency}). */
    private final List<String> lockDueFor;

    /** The relay's queue, {@code transport.outbound}. */
    public OutboundQueue(DeliverySettings settings) {
        this(settings, QueueTable.TRANSPORT);
    }

    /** The queue kept in {@code table}, with the same behaviour as the relay's. */
    public OutboundQueue(DeliverySettings settings, QueueTable table) {
        this.clock = settings.clock();
        this.expiry = settings.expiry();
        this.table = table;
        this.t = table.name();
        this.node = settings.node();
        // the limit written out, one text per value: bound, the generic plan's estimate would grow with
        // the destination's backlog (a tenth of it) and at some size have PostgreSQL JIT-compile every look
        List<String> perDestination = new ArrayList<>();
        for (int limit = 1; limit <= settings.destinationConcurrency(); limit++) {
            perDestination.add("SELECT id, destination, next_attempt_at FROM " + t + " WHERE " + DUE_FOR
                    + " ORDER BY " + IN_ORDER + " LIMIT " + limit + " FOR UPDATE SKIP LOCKED");
        }
        this.lockDueFor = List.copyOf(perDestination);
    }

    public QueueTable table() {
        return table;
    }

    /**
     * Queues {@code envelope} for delivery as soon as the caller's transaction commits; in a queue kept
     * {@link QueueTable#inOrder in order}, no earlier than the destination's waiting envelopes (one look
     * at the end of its entries in {@code outbound_due_by_destination}), so that a new message never
     * overtakes a backlog held back by {@link #scheduleRetry}.
     *
     * @return false if an envelope with this id is already queued (or was delivered): nothing changed
     */
    public boolean enqueue(Connection c, OutboundEnvelope envelope) throws SQLException {
        if (!table.accepts(envelope.destination().getScheme())) {
            throw new IllegalArgumentException("destination " + envelope.destination() + " cannot be queued in " + t
                    + ", which carries only " + table.schemes());
        }
        CommitDurability.restore(c); // an envelope for a peer is a promise: never lost with the WAL tail
        Instant now = clock.instant();
        int inserted;
        // GREATEST ignores the NULL of a destination with nothing pending
        String due = table.inOrder() ? "GREATEST(?, (SELECT max(next_attempt_at) FROM " + t
                + " WHERE destination = ? AND state = 'pending'))" : "?";
        try (var s = c.prepareStatement("INSERT INTO " + t + " (envelope_id, destination, envelope, state,"
                + " created_at, next_attempt_at, expires_at) VALUES (?, ?, ?, 'pending', ?, " + due + ", ?)"
                + " ON CONFLICT (envelope_id) DO NOTHING")) {
            int i = 1;
            s.setString(i++, envelope.id().value());
            s.setString(i++, envelope.destination().toString());
            s.setBytes(i++, envelope.envelope().sharedArray());
            s.setObject(i++, time(now));
            s.setObject(i++, time(now));
            if (table.inOrder()) {
                s.setString(i++, envelope.destination().toString());
            }
            s.setObject(i, time(now.plus(expiry)));
            inserted = s.executeUpdate();
        }
        if (inserted == 1) {
            QueueWakeup.notifyOnCommit(c, table.channel(), envelope.destination().toString());
        }
        return inserted == 1;
    }

    /**
     * Locks up to {@code max} due rows whose destination is not in {@code excluded}, oldest
     * destination first, skipping rows other workers hold; it locks only the rows it returns. The
     * locks last until the caller's transaction ends: lease the chosen ones with {@link #lease} in
     * the same transaction.
     *
     * <p>Destination by destination: the destinations with due envelopes are found by skipping
     * through {@code outbound_due_by_destination}, one probe per destination with pending rows, and
     * each chosen one's rows are locked by their own statement on that index, at most its
     * concurrency limit (more could not be sent at once). So an excluded destination (all its slots
     * taken) is passed over without reading its rows; one scan of all due rows in due order read a
     * busy destination's whole backlog each time the dispatcher looked (25 ms and 8,000 buffers at
     * 100,000 envelopes). The look costs a probe per destination with pending rows instead (about
     * 10 ms for 2,000 of them). Separate statements rather than one with a lateral join: in one, the
     * planner's guess of a destination's share could make reading its rows in due order look cheap.
     */
    public List<Candidate> lockDue(Connection c, int max, Collection<String> excluded) throws SQLException {
        Instant now = clock.instant();
        List<Candidate> due = new ArrayList<>();
        for (String destination : dueDestinations(c, now, excluded)) {
            if (due.size() == max) {
                break;
            }
            try (var s = c.prepareStatement(lockDueFor.get(Math.min(lockDueFor.size(), max - due.size()) - 1))) {
                bindDueFor(s, 1, destination, now);
                due.addAll(candidates(s));
            }
        }
        due.sort(Comparator.comparing(Candidate::due).thenComparingLong(Candidate::row));
        return due;
    }

    /**
     * The destinations not in {@code excluded} whose earliest pending envelope is due, earliest
     * first: a skip through {@code outbound_due_by_destination}, whose first entry for a destination
     * is its earliest attempt. An envelope in flight counts, so a destination may have nothing to
     * take; all are listed, not {@code max}, so that such destinations (leased by another node, say)
     * cannot fill the list and keep the others from being looked at.
     */
    private List<String> dueDestinations(Connection c, Instant now, Collection<String> excluded)
            throws SQLException {
        try (var s = c.prepareStatement("WITH RECURSIVE pending (destination, first_due) AS ("
                + " (SELECT destination, next_attempt_at FROM " + t + " WHERE state = 'pending'"
                + " ORDER BY destination, next_attempt_at LIMIT 1)"
                + " UNION ALL SELECT n.destination, n.next_attempt_at FROM pending p CROSS JOIN LATERAL ("
                + " SELECT o.destination, o.next_attempt_at FROM " + t + " o WHERE o.state = 'pending'"
                + " AND o.destination > p.destination ORDER BY o.destination, o.next_attempt_at LIMIT 1) n)"
                + " SELECT destination FROM pending WHERE first_due <= ? AND destination <> ALL (?)"
                + " ORDER BY first_due")) {
            s.setObject(1, time(now));
            s.setArray(2, c.createArrayOf("text", excluded.toArray()));
            List<String> destinations = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    destinations.add(rs.getString(1));
                }
            }
            return destinations;
        }
    }

    /** Runs a look whose rows are {@code id, destination, next_attempt_at}. */
    private static List<Candidate> candidates(PreparedStatement s) throws SQLException {
        List<Candidate> due = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                due.add(new Candidate(rs.getLong(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class).toInstant()));
            }
        }
        return due;
    }

    /** Binds {@link #DUE_FOR}'s four placeholders from {@code first} on; returns the index after them. */
    private static int bindDueFor(PreparedStatement s, int first, String destination, Instant now) throws SQLException {
        OffsetDateTime at = time(now);
        s.setString(first, destination);
        s.setObject(first + 1, at);
        s.setObject(first + 2, at);
        s.setObject(first + 3, at);
        return first + 4;
    }

    /**
     * Ends the leases this node ({@link DeliverySettings#node()}) held when it stopped: nothing of
     * this node is in flight before its worker starts, so they are free now. Returns how many.
     */
    public int releaseOwnClaims(Connection c) throws SQLException {
        if (node.isEmpty()) {
            return 0;
        }
        try (var s = c.prepareStatement("UPDATE " + t + " SET claim_token = NULL, leased_until = NULL"
                + " WHERE state = 'pending' AND claimed_by = ? AND leased_until IS NOT NULL")) {
            s.setString(1, node);
            return s.executeUpdate();
        }
    }

    /** Leases locked rows to one worker for {@code lease}, counting an attempt on each. */
    public List<ClaimedEnvelope> lease(Connection c, Collection<Long> rows, Duration lease) throws SQLException {
        if (rows.isEmpty()) {
            return List.of();
        }
        UUID token = UUID.randomUUID();
        try (var s = c.prepareStatement("UPDATE " + t + " SET claim_token = ?, leased_until = ?,"
                + " attempts = attempts + 1, claimed_by = ? WHERE id = ANY (?)"
                + " RETURNING id, envelope_id, destination, envelope, attempts, expires_at")) {
            s.setObject(1, token);
            s.setObject(2, time(clock.instant().plus(lease)));
            s.setString(3, node.isEmpty() ? null : node);
            s.setArray(4, c.createArrayOf("bigint", rows.toArray()));
            List<ClaimedEnvelope> claimed = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    claimed.add(claimed(rs, token));
                }
            }
            return claimed;
        }
    }

    /** A leased row from {@code RETURNING id, envelope_id, destination, envelope, attempts, expires_at}. */
    private static ClaimedEnvelope claimed(ResultSet rs, UUID token) throws SQLException {
        return new ClaimedEnvelope(rs.getLong(1), token, new EnvelopeId(rs.getString(2)), URI.create(rs.getString(3)),
                EnvelopeBytes.adopt(rs.getBytes(4)), rs.getInt(5), instant(rs, 6));
    }

    /**
     * Leases the next due envelope for {@code destination}, if one is waiting and no other worker
     * holds it, in the caller's transaction: a delivery thread that just finished one for that
     * destination takes the next instead of a claim over the whole queue.
     */
    public Optional<ClaimedEnvelope> claimNext(Connection c, String destination, Duration lease) throws SQLException {
        return claimNext(c, destination, lease, "");
    }

    /**
     * {@link #claimNext} as a statement of its own, for a connection in autocommit mode: it is one
     * transaction, committed without waiting for the WAL flush (a lost lease only means a resend;
     * see {@link CommitDurability#RELAXING}), with no BEGIN, SET or COMMIT round trip.
     */
    public Optional<ClaimedEnvelope> claimNextOnItsOwn(Connection c, String destination, Duration lease)
            throws SQLException {
        return claimNext(c, destination, lease, ", " + CommitDurability.RELAXING);
    }

    /**
     * Records {@code delivered} and, if {@code nextLease} is given, leases the destination's next due
     * envelope: one statement for a connection in autocommit mode, committed without waiting for
     * the WAL flush (a lost record only means a resend the receiver drops). The next envelope is
     * chosen in the statement's snapshot, before the record: the delivered row is excluded by id.
     */
    public Optional<ClaimedEnvelope> recordDeliveredOnItsOwn(Connection c, ClaimedEnvelope delivered,
                                                             Optional<Duration> nextLease) throws SQLException {
        Instant now = clock.instant();
        String done = "UPDATE " + t + " SET state = 'delivered', envelope = NULL, finished_at = ?, claim_token = NULL,"
                + " leased_until = NULL WHERE " + HELD
                + " RETURNING " + CommitDurability.RELAXING;
        if (nextLease.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(done)) {
                bindFinish(s, now, delivered);
                s.execute(); // the record lost (a lease that ran out) is no error: the envelope goes out again
            }
            return Optional.empty();
        }
        return claimNext(c, "done AS (" + done + "), ", delivered.destination().toString(), nextLease.get(),
                ", " + CommitDurability.RELAXING, ps -> bindFinish(ps, now, delivered), delivered.row());
    }

    /** Binds the record's three parameters; returns the index of the next. */
    private static int bindFinish(PreparedStatement s, Instant now, ClaimedEnvelope delivered) throws SQLException {
        s.setObject(1, time(now));
        s.setLong(2, delivered.row());
        s.setObject(3, delivered.claimToken());
        return 4;
    }

    /** The claim alone, with {@code returning} appended to its RETURNING list. */
    private Optional<ClaimedEnvelope> claimNext(Connection c, String destination, Duration lease, String returning)
            throws SQLException {
        return claimNext(c, "", destination, lease, returning, s -> 1, 0);
    }

    /** Binds the parameters of a statement part placed before the claim's own; returns the index of the next. */
    @FunctionalInterface
    private interface Binder {
        int bind(PreparedStatement s) throws SQLException;
    }

    /**
     * The claim: {@code before} (CTEs ending in ", ", bound by {@code bindBefore}) runs in the same
     * statement; the row with id {@code except} is never taken.
     */
    private Optional<ClaimedEnvelope> claimNext(Connection c, String before, String destination, Duration lease,
                                                String returning, Binder bindBefore, long except) throws SQLException {
        Instant now = clock.instant();
        UUID token = UUID.randomUUID();
        try (PreparedStatement s = c.prepareStatement("WITH " + before + "next AS (SELECT id FROM " + t
                + " WHERE " + DUE_FOR + " AND id <> ? ORDER BY " + IN_ORDER + " LIMIT 1 FOR UPDATE SKIP LOCKED)"
                + " UPDATE " + t + " o SET claim_token = ?, leased_until = ?, attempts = attempts + 1, claimed_by = ?"
                + " FROM next WHERE o.id = next.id"
                + " RETURNING o.id, o.envelope_id, o.destination, o.envelope, o.attempts, o.expires_at" + returning)) {
            int i = bindDueFor(s, bindBefore.bind(s), destination, now);
            s.setLong(i, except);
            s.setObject(i + 1, token);
            s.setObject(i + 2, time(now.plus(lease)));
            s.setString(i + 3, node.isEmpty() ? null : node);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(claimed(rs, token)) : Optional.empty();
            }
        }
    }

    /** Records that the receiver holds the envelope; false if the lease was lost meanwhile. */
    public boolean markDelivered(Connection c, ClaimedEnvelope e) throws SQLException {
        return finish(c, e, "delivered", null);
    }

    /**
     * Records a transient failure: the next attempt is after {@code delay}, but never after the
     * expiry time, so an expiring envelope is handled on time. Returns false if the lease was lost.
     *
     * <p>In a queue kept {@link QueueTable#inOrder in order} the failure backs off the destination as a
     * whole, in the same statement: every envelope of it waiting for an attempt before then (pending,
     * not leased) is moved to that time too, and the failed one goes no earlier than the destination's
     * next retry already set (by a failure of an envelope in flight beside it). So a destination that is
     * down gets one attempt per slot per retry, not one per envelope, and when it is back its backlog
     * goes out as one wave, oldest first ({@link #IN_ORDER}); with a timer of its own each envelope came
     * back at a random time, and a backlog of thousands reached the peer shuffled beyond what its
     * ratchet can open. Only failures pay for this: a delivery adds no statement.
     */
    public boolean scheduleRetry(Connection c, ClaimedEnvelope e, Duration delay, String error) throws SQLException {
        Instant now = clock.instant();
        if (!table.inOrder()) {
            try (var s = c.prepareStatement("UPDATE " + t + " SET next_attempt_at = LEAST(?, expires_at),"
                    + " last_error = ?, claim_token = NULL, leased_until = NULL WHERE " + HELD)) {
                s.setObject(1, time(now.plus(delay)));
                s.setString(2, bounded(error));
                s.setLong(3, e.row());
                s.setObject(4, e.claimToken());
                return s.executeUpdate() == 1;
            }
        }
        // the destination's next retry already set: its earliest envelope not yet due (an index look)
        try (var s = c.prepareStatement("WITH retry AS (SELECT GREATEST(?, (SELECT min(next_attempt_at) FROM " + t
                + " WHERE destination = ? AND state = 'pending' AND next_attempt_at > ?)) AS next_at),"
                + " failed AS (UPDATE " + t + " SET next_attempt_at = LEAST(retry.next_at, expires_at), last_error = ?,"
                + " claim_token = NULL, leased_until = NULL FROM retry WHERE " + HELD + " RETURNING 1),"
                + " held_back AS (UPDATE " + t + " o SET next_attempt_at = LEAST(retry.next_at, o.expires_at) FROM retry"
                + " WHERE o.destination = ? AND o.state = 'pending' AND o.next_attempt_at < retry.next_at AND o.id <> ?"
                + " AND (o.leased_until IS NULL OR o.leased_until <= ?) RETURNING 1)"
                + " SELECT (SELECT count(*) FROM failed), (SELECT count(*) FROM held_back)")) {
            String destination = e.destination().toString();
            s.setObject(1, time(now.plus(delay)));
            s.setString(2, destination);
            s.setObject(3, time(now));
            s.setString(4, bounded(error));
            s.setLong(5, e.row());
            s.setObject(6, e.claimToken());
            s.setString(7, destination);
            s.setLong(8, e.row());
            s.setObject(9, time(now));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 1;
            }
        }
    }

    /** Records a permanent refusal; the caller tells the {@link ExpiryListener} in the same transaction. */
    public Optional<UndeliverableEnvelope> reject(Connection c, ClaimedEnvelope e, String error) throws SQLException {
        if (!finish(c, e, "rejected", error)) {
            return Optional.empty();
        }
        return Optional.of(new UndeliverableEnvelope(e.id(), e.destination(), e.envelope(), createdAt(c, e.row()),
                e.attempt(), UndeliverableEnvelope.Reason.REJECTED, bounded(error)));
    }

    /**
     * Moves up to {@code max} pending rows past their expiry time (and not leased) to
     * {@code expired}, returning them for the {@link ExpiryListener}; the envelope bytes are
     * dropped from the row.
     */
    public List<UndeliverableEnvelope> expireDue(Connection c, int max) throws SQLException {
        Instant now = clock.instant();
        try (var s = c.prepareStatement("WITH due AS (SELECT id, envelope FROM " + t
                + " WHERE state = 'pending' AND expires_at <= ? AND (leased_until IS NULL OR leased_until <= ?)"
                + " ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED)"
                + " UPDATE " + t + " o SET state = 'expired', envelope = NULL, finished_at = ?,"
                + " claim_token = NULL, leased_until = NULL FROM due WHERE o.id = due.id"
                + " RETURNING o.envelope_id, o.destination, due.envelope, o.created_at, o.attempts, o.last_error")) {
            s.setObject(1, time(now));
            s.setObject(2, time(now));
            s.setInt(3, max);
            s.setObject(4, time(now));
            List<UndeliverableEnvelope> expired = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    expired.add(new UndeliverableEnvelope(new EnvelopeId(rs.getString(1)), URI.create(rs.getString(2)),
                            EnvelopeBytes.adopt(rs.getBytes(3)), instant(rs, 4), rs.getInt(5),
                            UndeliverableEnvelope.Reason.EXPIRED, rs.getString(6) == null ? "" : rs.getString(6)));
                }
            }
            return expired;
        }
    }

    /** Where the envelope with this id stands, if it was ever queued. */
    public Optional<OutboundStatus> status(Connection c, EnvelopeId id) throws SQLException {
        try (var s = c.prepareStatement("SELECT state, attempts, next_attempt_at, last_error"
                + " FROM " + t + " WHERE envelope_id = ?")) {
            s.setString(1, id.value());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new OutboundStatus(OutboundStatus.State.valueOf(rs.getString(1).toUpperCase(Locale.ROOT)),
                        rs.getInt(2), instant(rs, 3), rs.getString(4) == null ? "" : rs.getString(4)));
            }
        }
    }

    /**
     * Forgets up to {@code max} finished rows (delivered, rejected, expired) that finished more than
     * {@code retention} ago; returns how many. Pending rows are never touched.
     */
    public int prune(Connection c, Duration retention, int max) throws SQLException {
        try (var s = c.prepareStatement("DELETE FROM " + t + " WHERE id IN (SELECT id FROM " + t
                + " WHERE state <> 'pending' AND finished_at < ? ORDER BY finished_at LIMIT ?)")) {
            s.setObject(1, time(clock.instant().minus(retention)));
            s.setInt(2, max);
            return s.executeUpdate();
        }
    }

    /** How many envelopes wait for delivery, and how long the oldest has waited (for the metrics). */
    public Backlog backlog(Connection c) throws SQLException {
        try (var s = c.prepareStatement("SELECT count(*), min(created_at) FROM " + t + " WHERE state = 'pending'");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            OffsetDateTime oldest = rs.getObject(2, OffsetDateTime.class);
            Duration age = oldest == null ? Duration.ZERO : Duration.between(oldest.toInstant(), clock.instant());
            return new Backlog(rs.getLong(1), age.isNegative() ? Duration.ZERO : age);
        }
    }

    private boolean finish(Connection c, ClaimedEnvelope e, String state, String error) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE " + t + " SET state = ?, envelope = NULL,"
                + " finished_at = ?, last_error = COALESCE(?, last_error), claim_token = NULL, leased_until = NULL"
                + " WHERE " + HELD)) {
            s.setString(1, state);
            s.setObject(2, time(clock.instant()));
            s.setString(3, error == null ? null : bounded(error));
            s.setLong(4, e.row());
            s.setObject(5, e.claimToken());
            return s.executeUpdate() == 1;
        }
    }

    private Instant createdAt(Connection c, long row) throws SQLException {
        try (var s = c.prepareStatement("SELECT created_at FROM " + t + " WHERE id = ?")) {
            s.setLong(1, row);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return instant(rs, 1);
            }
        }
    }

    static String bounded(String error) {
        return error.length() <= Limits.MAX_ERROR_TEXT ? error : error.substring(0, Limits.MAX_ERROR_TEXT) + "…";
    }

    private static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    /**
     * The queue's pending part.
     *
     * @param oldestAge since the oldest pending envelope was enqueued; zero when none is pending
     */
    public record Backlog(long pending, Duration oldestAge) {
    }

    /** A due row locked for the claiming transaction, with the time it became due. */
    public record Candidate(long row, String destination, Instant due) {
    }
}
