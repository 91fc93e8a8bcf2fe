package dev.liaison.imap.store;

import dev.liaison.imap.delivery.Delivered;
import dev.liaison.imap.delivery.Delivery;
import dev.liaison.imap.delivery.DeliveryException;
import dev.liaison.imap.delivery.MailboxDelivery;
import dev.liaison.imap.events.EventCodec;
import dev.liaison.imap.events.PostgresEventBus;
import dev.liaison.imap.server.Limits;
import org.apache.james.core.Username;
import org.apache.james.events.Event;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.events.MailboxEvents;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxConstants;
import org.apache.james.mailbox.model.MailboxPath;

import javax.mail.Flags;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * {@link MailboxDelivery} on the store's tables. A delivery is one statement: the folder's
 * counters, the delivery record, the message row and the NOTIFY that announces it, because every
 * round trip costs both processes CPU on the path of every message. A retry of a delivery id finds the
 * earlier record; a concurrent one waits on the record's unique key for the first attempt and
 * then finds it, instead of failing the caller's transaction.
 */
public final class PostgresMailboxDelivery implements MailboxDelivery {

    /** Deliveries are announced with this origin, which no process has, so every process relays them. */
    private static final String ORIGIN = "delivery";

    /**
     * The folder row takes the next UID and MODSEQ unless the delivery id was filed before (as
     * this statement's snapshot sees it); the delivery record is written with them unless a
     * concurrent attempt committed the same id meanwhile (its key makes this one wait, then skip);
     * the message row only with a new record, and only then the notification (its payload is
     * {@link EventCodec#addedTemplate}'s, filled in with the row's numbers; PostgreSQL sends it
     * when the caller's transaction commits). One result row if the folder exists (and was not
     * skipped as a retry); the message's UID and MODSEQ null if a concurrent attempt won.
     */
    private static final String FILE = "WITH box AS (UPDATE imap.mailbox SET last_uid = last_uid + 1,"
            + " highest_modseq = highest_modseq + 1 WHERE owner = ? AND namespace = ? AND name = ?"
            + " AND NOT EXISTS (SELECT 1 FROM imap.delivery WHERE delivery_id = ?)"
            + " RETURNING " + PostgresMailboxMapper.COLUMNS + ", last_uid, highest_modseq),"
            + " record AS (INSERT INTO imap.delivery (delivery_id, mailbox_id, uid) SELECT ?, id, last_uid FROM box"
            + " ON CONFLICT (delivery_id) DO NOTHING RETURNING mailbox_id, uid),"
            + " row AS (INSERT INTO imap.message (mailbox_id, uid, modseq, " + MessageRows.OWN_COLUMNS + ")"
            + " SELECT record.mailbox_id, record.uid, box.highest_modseq, " + MessageRows.OWN_PARAMETERS
            + " FROM record, box RETURNING uid, modseq)"
            + " SELECT box.id, box.namespace, box.owner, box.name, box.uid_validity, row.*,"
            + " CASE WHEN row.uid IS NOT NULL THEN pg_notify(?, ? || box.id || ? || row.uid || ':' || row.modseq || ?)"
            + " END AS announced FROM box LEFT JOIN row ON true";

    static final String FORGET = "DELETE FROM imap.delivery WHERE ctid = ANY (ARRAY(SELECT ctid FROM imap.delivery"
            + " WHERE delivered_at < ? ORDER BY delivered_at LIMIT ?))";

    private final Clock clock;

    public PostgresMailboxDelivery(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Delivered deliver(Connection c, Delivery delivery) throws DeliveryException, SQLException {
        check(delivery);
        DefaultFolders.provision(c, delivery.owner());
        MailboxPath path = path(delivery.owner(), delivery.folder());
        MessageRows.NewMessage row = row(delivery);
        EventCodec.AddedTemplate announcement = EventCodec.addedTemplate(ORIGIN, path, row.flags(),
                row.content().length, row.internalDate(), row.messageId(), row.threadId());
        Optional<Filed> filed = file(c, path, delivery.deliveryId(), row, announcement);
        if (filed.isEmpty()) { // no such folder, or filed before
            Optional<Delivered> earlier = earlier(c, delivery.deliveryId());
            if (earlier.isPresent()) {
                return earlier.get();
            }
            create(c, path);
            filed = file(c, path, delivery.deliveryId(), row, announcement);
        }
        Filed done = filed.orElseThrow(() -> new DeliveryException.Refused("delivery " + delivery.deliveryId()
                + ": folder " + path.getName() + " could not be created"));
        if (done.uid().isEmpty()) { // a concurrent attempt with the same id committed first
            return earlier(c, delivery.deliveryId()).orElseThrow(() -> new IllegalStateException("delivery "
                    + delivery.deliveryId() + " was recorded concurrently but its record is gone"));
        }
        return new Delivered(done.mailbox().getUidValidity().asLong(), done.uid().getAsLong(), false);
    }

    /**
     * Oldest first through {@code delivery_delivered_at}, deleted by their row addresses: a batch reads
     * only the rows it deletes (an {@code IN} on the key is joined by a scan of the whole table while
     * the table is small enough for the planner to prefer it). Rows are never updated, so an address
     * read in the same statement still names its row.
     */
    @Override
    public int forget(Connection c, Instant before, int max) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(FORGET)) {
            s.setTimestamp(1, Timestamp.from(before));
            s.setInt(2, max);
            return s.executeUpdate();
        }
    }

    /**
     * The folder rows first, in MOVE's order (the store's lock order, {@link Counters}), then the
     * messages one by one as MOVE places them; the change is announced with this class's origin,
     * which no process has, so every process's sessions hear of it once the caller commits, as of a
     * delivery: EXPUNGE (VANISHED) in {@code from}, EXISTS in {@code to}.
     */
    @Override
    public int move(Connection c, String owner, String from, String to, String mentioning, Predicate<byte[]> which)
            throws SQLException {
        Optional<Mailbox> source = PostgresMailboxMapper.find(c, path(owner, from));
        if (source.isEmpty()) {
            return 0;
        }
        Mailbox target = folder(c, path(owner, to));
        long sourceId = PostgresMailboxMapper.id(source.get().getMailboxId());
        long targetId = PostgresMailboxMapper.id(target.getMailboxId());
        if (sourceId == targetId) {
            return 0;
        }
        PostgresMessageMapper.lockFolders(c, sourceId, targetId);
        List<MessageMetaData> chosen = chosen(c, sourceId, targetId, mentioning, which);
        if (chosen.isEmpty()) {
            return 0;
        }
        TreeMap<MessageUid, MessageMetaData> taken = new TreeMap<>();
        TreeMap<MessageUid, MessageMetaData> placed = new TreeMap<>();
        try {
            for (MessageMetaData message : chosen) {
                MessageMetaData now = PostgresMessageMapper.moveOne(c, targetId, Counters.next(c, targetId), sourceId,
                        message.getUid());
                taken.put(message.getUid(), message);
                placed.put(now.getUid(), now);
            }
            Counters.nextModSeq(c, sourceId); // RFC 7162 §3.1: the messages taken away are a change
        } catch (MailboxException e) {
            // the folder rows are held, so only a folder deleted before they were locked gets here
            throw new SQLException("moving " + owner + "'s messages from " + from + " to " + to + " failed: "
                    + e.getMessage() + "; nothing was moved", e);
        }
        MailboxSession.SessionId nobody = MailboxSession.SessionId.of(0);
        announce(c, List.of(
                new MailboxEvents.Expunged(nobody, Username.of(owner), source.get().generateAssociatedPath(),
                        source.get().getMailboxId(), taken, Event.EventId.random()),
                new MailboxEvents.Added(nobody, Username.of(owner), target.generateAssociatedPath(),
                        target.getMailboxId(), placed, Event.EventId.random(), false)));
        return chosen.size();
    }

    /** In {@link PostgresMessageMapper#lockFolders}'s mode and order: every folder row, lower id first. */
    @Override
    public void lock(Connection c, String owner, List<String> folders) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM imap.mailbox WHERE namespace = ? AND owner = ?"
                + " AND name = ANY (?) ORDER BY id FOR UPDATE")) {
            s.setString(1, MailboxConstants.USER_NAMESPACE);
            s.setString(2, owner);
            s.setArray(3, c.createArrayOf("text", folders.stream().map(f -> path(owner, f).getName()).toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rs.getLong(1); // each row returned is locked
                }
            }
        }
    }

    /**
     * The messages of {@code source} to move: not \Deleted, with no copy in {@code target}, a header
     * section that mentions {@code mentioning} (in SQL: the escape encoding keeps ASCII as it is, so
     * its lower case holds an ASCII address in any case it was written in), and accepted by
     * {@code which}.
     */
    private static List<MessageMetaData> chosen(Connection c, long source, long target, String mentioning,
                                                Predicate<byte[]> which) throws SQLException {
        List<MessageMetaData> chosen = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + MessageRows.METADATA
                + ", substring(content FROM 1 FOR body_start) AS head FROM imap.message m"
                + " WHERE mailbox_id = ? AND NOT deleted AND NOT EXISTS (SELECT 1 FROM imap.message t"
                + " WHERE t.mailbox_id = ? AND t.message_id = m.message_id)"
                + " AND position(? IN lower(encode(substring(content FROM 1 FOR body_start), 'escape'))) > 0"
                + " ORDER BY uid")) {
            s.setLong(1, source);
            s.setLong(2, target);
            s.setString(3, mentioning.toLowerCase(Locale.ROOT));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (which.test(rs.getBytes("head"))) {
                        chosen.add(MessageRows.metaData(rs));
                    }
                }
            }
        }
        return chosen;
    }

    /** Sends {@code events} to every process's sessions when the caller's transaction commits. */
    private static void announce(Connection c, List<Event> events) throws SQLException {
        List<String> payloads = new ArrayList<>();
        events.forEach(event -> payloads.addAll(EventCodec.encode(ORIGIN, event)));
        try (PreparedStatement s = c.prepareStatement(
                "SELECT pg_notify(?, p) FROM unnest(?::text[]) WITH ORDINALITY AS n(p, i) ORDER BY i")) {
            s.setString(1, PostgresEventBus.CHANNEL);
            s.setArray(2, c.createArrayOf("text", payloads.toArray()));
            s.execute();
        }
    }

    /** {@code owner}'s folder {@code folder} (INBOX in any case is INBOX, RFC 3501 §5.1). */
    private static MailboxPath path(String owner, String folder) {
        String name = folder.equalsIgnoreCase(MailboxConstants.INBOX) ? MailboxConstants.INBOX : folder;
        return new MailboxPath(MailboxConstants.USER_NAMESPACE, Username.of(owner), name);
    }

    /** Folder {@code path}, created if missing. */
    private static Mailbox folder(Connection c, MailboxPath path) throws SQLException {
        Optional<Mailbox> found = PostgresMailboxMapper.find(c, path);
        if (found.isPresent()) {
            return found.get();
        }
        create(c, path);
        return PostgresMailboxMapper.find(c, path).orElseThrow(() -> new SQLException("folder " + path.getName()
                + " of " + path.getUser().asString() + " could not be created"));
    }

    /** The folder a delivery went to, and its message's UID unless a concurrent attempt won. */
    private record Filed(Mailbox mailbox, OptionalLong uid) {
    }

    private static Optional<Filed> file(Connection c, MailboxPath path, String deliveryId, MessageRows.NewMessage row,
                                        EventCodec.AddedTemplate announcement) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(FILE)) {
            s.setString(1, path.getUser().asString());
            s.setString(2, path.getNamespace());
            s.setString(3, path.getName());
            s.setString(4, deliveryId);
            s.setString(5, deliveryId);
            MessageRows.bindOwn(c, s, 6, row);
            s.setString(21, PostgresEventBus.CHANNEL);
            s.setString(22, announcement.beforeMailboxId());
            s.setString(23, announcement.beforeUid());
            s.setString(24, announcement.afterModSeq());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Mailbox mailbox = PostgresMailboxMapper.read(rs);
                long uid = rs.getLong("uid");
                return Optional.of(new Filed(mailbox, rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(uid)));
            }
        }
    }

    private static void check(Delivery delivery) throws DeliveryException.Refused {
        if (delivery.message().length > Limits.MESSAGE_OCTETS) {
            throw new DeliveryException.Refused("delivery " + delivery.deliveryId() + ": message of "
                    + delivery.message().length + " octets exceeds the limit of " + Limits.MESSAGE_OCTETS);
        }
        String folder = delivery.folder();
        if (folder.isEmpty() || folder.length() > Limits.MAILBOX_NAME_CHARS || folder.chars().anyMatch(ch -> ch < 0x20)
                || folder.startsWith("/") || folder.endsWith("/") || folder.contains("//")) {
            throw new DeliveryException.Refused("delivery " + delivery.deliveryId()
                    + ": folder name is not acceptable (1.." + Limits.MAILBOX_NAME_CHARS + " characters, no control"
                    + " characters, no empty level)");
        }
    }

    private static Optional<Delivered> earlier(Connection c, String deliveryId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT d.uid, coalesce(m.uid_validity, 0) FROM imap.delivery d"
                + " LEFT JOIN imap.mailbox m ON m.id = d.mailbox_id WHERE d.delivery_id = ?")) {
            s.setString(1, deliveryId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new Delivered(rs.getLong(2), rs.getLong(1), true)) : Optional.empty();
            }
        }
    }

    /** Creates the folder a delivery names (a concurrent creation is fine: either one is used). */
    private static void create(Connection c, MailboxPath path) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO imap.mailbox (namespace, owner, name, uid_validity)"
                + " VALUES (?, ?, ?, imap.next_uid_validity(?)) ON CONFLICT DO NOTHING")) {
            s.setString(1, path.getNamespace());
            s.setString(2, path.getUser().asString());
            s.setString(3, path.getName());
            s.setString(4, path.getUser().asString());
            s.executeUpdate();
        }
    }

    /** The message's own columns; its folder, UID and MODSEQ are the statement's to place ({@link #FILE}). */
    private MessageRows.NewMessage row(Delivery delivery) {
        byte[] content = delivery.message();
        MessageShape shape = MessageShape.of(content);
        Flags flags = new Flags(Flags.Flag.RECENT);
        if (delivery.seen()) {
            flags.add(Flags.Flag.SEEN);
        }
        UUID messageId = UUID.randomUUID();
        return new MessageRows.NewMessage(0, MessageUid.MIN_VALUE, ModSeq.first(), messageId, messageId,
                Date.from(delivery.receivedAt()), clock.instant(), shape.bodyStart(),
                MessageRows.stored(shape.properties().toProperties(), shape.properties().getTextualLineCount()),
                flags, content);
    }
}
