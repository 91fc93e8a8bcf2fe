package dev.liaison.imap.store;

import javax.mail.Flags;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.ByteContent;
import org.apache.james.mailbox.model.ComposedMessageId;
import org.apache.james.mailbox.model.ComposedMessageIdWithMetaData;
import org.apache.james.mailbox.model.Content;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.Property;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Conversion between {@code imap.message} rows and James's message model: flags as booleans plus
 * a keyword array, MIME properties as flat (namespace, name, value) triples, content eager or lazy.
 */
final class MessageRows {

    static final String METADATA = "mailbox_id, uid, message_id, thread_id, modseq, internal_date, save_date, size,"
            + " body_start, properties, answered, deleted, draft, flagged, recent, seen, keywords";

    private MessageRows() {
    }

    /**
     * A message row about to be written. Its search text is not among its columns: that is
     * extracted when a search first needs it ({@link SearchIndexing}), not on every delivery.
     */
    record NewMessage(long mailboxId, MessageUid uid, ModSeq modSeq, UUID messageId, UUID threadId, Date internalDate,
                      java.time.Instant savedAt, int bodyStart, List<Property> properties, Flags flags, byte[] content) {
    }

    /** The columns of a new row that come with the message, after {@code mailbox_id, uid, modseq}. */
    static final String OWN_COLUMNS = "message_id, thread_id, internal_date, save_date, size, body_start, properties,"
            + " answered, deleted, draft, flagged, recent, seen, keywords, content";
    /** One parameter per {@link #OWN_COLUMNS} column, bound by {@link #bindOwn}. */
    static final String OWN_PARAMETERS = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";

    static MessageMetaData insert(Connection c, NewMessage m) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO imap.message (mailbox_id, uid, modseq, "
                + OWN_COLUMNS + ") VALUES (?, ?, ?, " + OWN_PARAMETERS + ") RETURNING " + METADATA)) {
            s.setLong(1, m.mailboxId());
            s.setLong(2, m.uid().asLong());
            s.setLong(3, m.modSeq().asLong());
            bindOwn(c, s, 4, m);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return metaData(rs);
            }
        }
    }

    /** Binds {@code m}'s {@link #OWN_COLUMNS} from parameter {@code first} on. */
    static void bindOwn(Connection c, PreparedStatement s, int first, NewMessage m) throws SQLException {
        s.setObject(first, m.messageId());
        s.setObject(first + 1, m.threadId());
        // OffsetDateTime, not Timestamp: the driver formats a Timestamp through a Calendar, which
        // took a twentieth of storing a message
        s.setObject(first + 2, m.internalDate().toInstant().atOffset(ZoneOffset.UTC));
        s.setObject(first + 3, m.savedAt().atOffset(ZoneOffset.UTC));
        s.setLong(first + 4, m.content().length);
        s.setInt(first + 5, m.bodyStart());
        s.setArray(first + 6, properties(c, m.properties()));
        bindFlags(c, s, first + 7, m.flags());
        s.setBytes(first + 14, m.content());
    }

    static Flags flags(ResultSet rs) throws SQLException {
        Flags flags = new Flags();
        addIf(flags, rs.getBoolean("answered"), Flags.Flag.ANSWERED);
        addIf(flags, rs.getBoolean("deleted"), Flags.Flag.DELETED);
        addIf(flags, rs.getBoolean("draft"), Flags.Flag.DRAFT);
        addIf(flags, rs.getBoolean("flagged"), Flags.Flag.FLAGGED);
        addIf(flags, rs.getBoolean("recent"), Flags.Flag.RECENT);
        addIf(flags, rs.getBoolean("seen"), Flags.Flag.SEEN);
        for (String keyword : (String[]) rs.getArray("keywords").getArray()) {
            flags.add(keyword);
        }
        return flags;
    }

    private static void addIf(Flags flags, boolean set, Flags.Flag flag) {
        if (set) {
            flags.add(flag);
        }
    }

    /** Binds the six system flags and the keywords at {@code first}..{@code first + 6}. */
    static void bindFlags(Connection c, PreparedStatement s, int first, Flags flags) throws SQLException {
        s.setBoolean(first, flags.contains(Flags.Flag.ANSWERED));
        s.setBoolean(first + 1, flags.contains(Flags.Flag.DELETED));
        s.setBoolean(first + 2, flags.contains(Flags.Flag.DRAFT));
        s.setBoolean(first + 3, flags.contains(Flags.Flag.FLAGGED));
        s.setBoolean(first + 4, flags.contains(Flags.Flag.RECENT));
        s.setBoolean(first + 5, flags.contains(Flags.Flag.SEEN));
        s.setArray(first + 6, c.createArrayOf("text", flags.getUserFlags()));
    }

    /**
     * James keeps a text entity's line count (BODYSTRUCTURE's body-fld-lines) beside the MIME
     * properties, not among them, so it was lost on the way through the table and FETCH
     * BODYSTRUCTURE said {@code -1} lines for every single-part text message (Angus then refuses
     * the whole BODYSTRUCTURE). It is stored as one more triple under a namespace of ours.
     */
    private static final String LINES_NAMESPACE = "urn:liaison:imap";
    private static final String LINES = "textual-line-count";

    /** The properties to store: James's, plus the line count of a text entity when known. */
    static List<Property> stored(List<Property> properties, Long textualLineCount) {
        if (textualLineCount == null) {
            return properties;
        }
        List<Property> all = new ArrayList<>(properties);
        all.add(new Property(LINES_NAMESPACE, LINES, Long.toString(textualLineCount)));
        return all;
    }

    static Array properties(Connection c, List<Property> properties) throws SQLException {
        String[] flat = new String[properties.size() * 3];
        int i = 0;
        for (Property p : properties) {
            flat[i++] = p.getNamespace();
            flat[i++] = p.getLocalName();
            flat[i++] = p.getValue();
        }
        return c.createArrayOf("text", flat);
    }

    private static PropertyBuilder properties(ResultSet rs) throws SQLException {
        String[] flat = (String[]) rs.getArray("properties").getArray();
        List<Property> properties = new ArrayList<>(flat.length / 3);
        Long lines = null;
        for (int i = 0; i + 2 < flat.length; i += 3) {
            if (LINES_NAMESPACE.equals(flat[i]) && LINES.equals(flat[i + 1])) {
                lines = Long.valueOf(flat[i + 2]);
            } else {
                properties.add(new Property(flat[i], flat[i + 1], flat[i + 2]));
            }
        }
        PropertyBuilder builder = new PropertyBuilder(properties);
        builder.setTextualLineCount(lines);
        return builder;
    }

    static MailboxMessage message(ResultSet rs, Content content) throws SQLException {
        StoredMessageId messageId = StoredMessageId.of(rs.getObject("message_id", UUID.class));
        return SimpleMailboxMessage.builder()
                .mailboxId(StoredMailboxId.of(rs.getLong("mailbox_id")))
                .uid(MessageUid.of(rs.getLong("uid")))
                .modseq(ModSeq.of(rs.getLong("modseq")))
                .messageId(messageId)
                .threadId(ThreadId.fromBaseMessageId(StoredMessageId.of(rs.getObject("thread_id", UUID.class))))
                .internalDate(date(rs, "internal_date"))
                .saveDate(Optional.ofNullable(date(rs, "save_date")))
                .size(rs.getLong("size"))
                .bodyStartOctet(rs.getInt("body_start"))
                .flags(flags(rs))
                .properties(properties(rs))
                .content(content)
                .build();
    }

    static ComposedMessageIdWithMetaData composedMetaData(ResultSet rs, MailboxId mailboxId) throws SQLException {
        StoredMessageId messageId = StoredMessageId.of(rs.getObject("message_id", UUID.class));
        return new ComposedMessageIdWithMetaData(
                new ComposedMessageId(mailboxId, messageId, MessageUid.of(rs.getLong("uid"))), flags(rs),
                ModSeq.of(rs.getLong("modseq")),
                ThreadId.fromBaseMessageId(StoredMessageId.of(rs.getObject("thread_id", UUID.class))));
    }

    static MessageMetaData metaData(ResultSet rs) throws SQLException {
        StoredMessageId messageId = StoredMessageId.of(rs.getObject("message_id", UUID.class));
        return new MessageMetaData(MessageUid.of(rs.getLong("uid")), ModSeq.of(rs.getLong("modseq")), flags(rs),
                rs.getLong("size"), date(rs, "internal_date"), Optional.ofNullable(date(rs, "save_date")), messageId,
                ThreadId.fromBaseMessageId(StoredMessageId.of(rs.getObject("thread_id", UUID.class))));
    }

    /** A timestamptz column (null stays null), read without the Calendar the driver makes per result set. */
    private static Date date(ResultSet rs, String column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : Date.from(at.toInstant());
    }

    static UUID uuid(org.apache.james.mailbox.model.MessageId id) {
        if (id instanceof StoredMessageId stored) {
            return stored.value();
        }
        throw new IllegalArgumentException("not a message id of this store: " + id);
    }

    static byte[] bytes(InputStream content) throws MailboxException {
        try (InputStream in = content) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new MailboxException("cannot read message content: " + e.getMessage(), e);
        }
    }

    /**
     * Message bytes read from PostgreSQL only as far as James reads them: {@code head}, the first
     * octets, came with the row (the header section, for a FETCH of header fields: what mail clients
     * ask of every new message); the rest is read from the database when a reader goes past them.
     */
    static final class LazyContent implements Content {
        private final Jdbc jdbc;
        private final long mailboxId;
        private final long uid;
        private final long size;
        private final byte[] head;

        LazyContent(Jdbc jdbc, long mailboxId, long uid, long size, byte[] head) {
            this.jdbc = jdbc;
            this.mailboxId = mailboxId;
            this.uid = uid;
            this.size = size;
            this.head = head;
        }

        @Override
        public InputStream getInputStream() {
            return new java.io.SequenceInputStream(new ByteArrayInputStream(head), new Rest());
        }

        @Override
        public long size() {
            return size;
        }

        /** The octets after {@code head}, fetched at the first read. */
        private final class Rest extends InputStream {
            private InputStream bytes;

            @Override
            public int read() throws IOException {
                return rest().read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return rest().read(b, off, len);
            }

            private InputStream rest() throws IOException {
                if (bytes == null) {
                    bytes = new ByteArrayInputStream(fetch());
                }
                return bytes;
            }
        }

        private byte[] fetch() throws IOException {
            try {
                return jdbc.read("read message content", c -> {
                    try (PreparedStatement s = c.prepareStatement(
                            "SELECT substring(content FROM ?) FROM imap.message WHERE mailbox_id = ? AND uid = ?")) {
                        s.setInt(1, head.length + 1);
                        s.setLong(2, mailboxId);
                        s.setLong(3, uid);
                        try (ResultSet rs = s.executeQuery()) {
                            if (!rs.next()) {
                                throw new MailboxException("message " + uid + " was expunged meanwhile");
                            }
                            return rs.getBytes(1);
                        }
                    }
                });
            } catch (MailboxException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }

    static Content eager(byte[] bytes) {
        return new ByteContent(bytes);
    }
}
