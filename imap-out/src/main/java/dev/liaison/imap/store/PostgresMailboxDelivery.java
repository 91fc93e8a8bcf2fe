package dev.liaison.imap.store;

import dev.liaison.imap.delivery.Delivered;
import dev.liaison.imap.delivery.Delivery;
import dev.liaison.imap.delivery.DeliveryException;
import dev.liaison.imap.delivery.MailboxDelivery;
import dev.liaison.imap.events.EventCodec;
import dev.liaison.imap.events.PostgresEventBus;
import dev.liaison.imap.server.Limits;
import org.apache.james.core.Username;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxConstants;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.UidValidity;

import javax.mail.Flags;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link MailboxDelivery} on the store's tables. A transaction-scoped advisory lock on the
 * delivery id makes a concurrent retry wait for the first attempt and then find its row, instead
 * of failing the caller's transaction on the unique key.
 */
public final class PostgresMailboxDelivery implements MailboxDelivery {

    /** Deliveries are announced with this origin, which no process has, so every process relays them. */
    private static final String ORIGIN = "delivery";
    private final Clock clock;

    public PostgresMailboxDelivery(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Delivered deliver(Connection c, Delivery delivery) throws DeliveryException, SQLException {
        check(delivery);
        lock(c, delivery.deliveryId());
        Optional<Delivered> earlier = earlier(c, delivery.deliveryId());
        if (earlier.isPresent()) {
            return earlier.get();
        }
        DefaultFolders.provision(c, delivery.owner());
        Counters.Placed placed = place(c, delivery);
        Mailbox mailbox = placed.mailbox();
        long mailboxId = PostgresMailboxMapper.id(mailbox.getMailboxId());
        Counters.Next next = placed.next();
        MessageMetaData stored = MessageRows.insert(c, row(mailboxId, next, delivery));
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO imap.delivery (delivery_id, mailbox_id, uid) VALUES (?, ?, ?)")) {
            s.setString(1, delivery.deliveryId());
            s.setLong(2, mailboxId);
            s.setLong(3, stored.getUid().asLong());
            s.executeUpdate();
        }
        PostgresEventBus.send(c, EventCodec.added(ORIGIN, mailbox.generateAssociatedPath(), mailboxId, stored));
        return new Delivered(mailbox.getUidValidity().asLong(), stored.getUid().asLong(), false);
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

    private static void lock(Connection c, String deliveryId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 5))")) {
            s.setString(1, deliveryId);
            s.execute();
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

    /**
     * Takes the next UID and MODSEQ of the target folder, found by name, in one statement (the
     * row lock it takes serialises deliveries to the folder until commit); creates the folder first
     * if it does not exist.
     */
    private static Counters.Placed place(Connection c, Delivery delivery) throws SQLException, DeliveryException.Refused {
        String name = delivery.folder().equalsIgnoreCase(MailboxConstants.INBOX) ? MailboxConstants.INBOX : delivery.folder();
        MailboxPath path = new MailboxPath(MailboxConstants.USER_NAMESPACE, Username.of(delivery.owner()), name);
        Optional<Counters.Placed> placed = Counters.next(c, path);
        if (placed.isPresent()) {
            return placed.get();
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO imap.mailbox (namespace, owner, name, uid_validity)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            s.setString(1, path.getNamespace());
            s.setString(2, delivery.owner());
            s.setString(3, name);
            s.setLong(4, UidValidity.generate().asLong());
            s.executeUpdate();
        }
        return Counters.next(c, path).orElseThrow(
                () -> new DeliveryException.Refused("delivery " + delivery.deliveryId() + ": folder could not be created"));
    }

    private MessageRows.NewMessage row(long mailboxId, Counters.Next next, Delivery delivery) {
        byte[] content = delivery.message();
        MessageShape shape = MessageShape.of(content);
        Flags flags = new Flags(Flags.Flag.RECENT);
        if (delivery.seen()) {
            flags.add(Flags.Flag.SEEN);
        }
        UUID messageId = UUID.randomUUID();
        return new MessageRows.NewMessage(mailboxId, next.uid(), next.modSeq(), messageId, messageId,
                Date.from(delivery.receivedAt()), clock.instant(), shape.bodyStart(),
                MessageRows.stored(shape.properties().toProperties(), shape.properties().getTextualLineCount()),
                flags, content, SearchText.of(content));
    }
}
