package dev.liaison.imap.store;

import dev.liaison.imap.delivery.Refiled;
import dev.liaison.imap.delivery.Refiling;

import javax.mail.Flags;
import org.apache.james.mailbox.ApplicableFlagBuilder;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.ComposedMessageIdWithMetaData;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxCounters;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Messages in {@code imap.message}. A UID and a MODSEQ come from the folder row's counters,
 * incremented in the same transaction that writes the message, so they never go back and two
 * processes never hand out the same one (the row lock serialises them).
 */
final class PostgresMessageMapper implements MessageMapper {

    private final Jdbc jdbc;
    private final Clock clock;
    private final Refiling refiling;

    PostgresMessageMapper(Jdbc jdbc, Clock clock, Refiling refiling) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.refiling = refiling;
    }

    @Override
    public Iterator<MailboxMessage> findInMailbox(Mailbox mailbox, MessageRange set, FetchType type, int limit)
            throws MailboxException {
        // HEADERS (a FETCH of header fields) reads the header section only: PostgreSQL then
        // decompresses only the start of the stored message; the rest is read if James goes on
        String content = switch (type) {
            case FULL -> ", content";
            case HEADERS -> ", substring(content FROM 1 FOR body_start) AS head";
            default -> "";
        };
        String sql = "SELECT " + MessageRows.METADATA + content
                + " FROM imap.message WHERE mailbox_id = ? AND " + UidRanges.condition(set) + " ORDER BY uid"
                + (limit > 0 ? " LIMIT " + limit : "");
        long mailboxId = PostgresMailboxMapper.id(mailbox.getMailboxId());
        return jdbc.read("fetch messages", c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setLong(1, mailboxId);
                UidRanges.bind(s, 2, set);
                List<MailboxMessage> found = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        found.add(MessageRows.message(rs, type == FetchType.FULL ? MessageRows.eager(rs.getBytes("content"))
                                : new MessageRows.LazyContent(jdbc, mailboxId, rs.getLong("uid"), rs.getLong("size"),
                                type == FetchType.HEADERS ? rs.getBytes("head") : new byte[0])));
                    }
                }
                return found.iterator();
            }
        });
    }

    /**
     * FETCH FLAGS and the flag updates a selected session is told of: only what they print (UID,
     * flags, MODSEQ), not the MIME properties every message row would otherwise be built with.
     */
    @Override
    public Flux<ComposedMessageIdWithMetaData> listMessagesMetadata(Mailbox mailbox, MessageRange set) {
        long mailboxId = PostgresMailboxMapper.id(mailbox.getMailboxId());
        String sql = "SELECT uid, message_id, thread_id, modseq, answered, deleted, draft, flagged, recent, seen, keywords"
                + " FROM imap.message WHERE mailbox_id = ? AND " + UidRanges.condition(set) + " ORDER BY uid";
        try {
            return Flux.fromIterable(jdbc.read("list message flags", c -> {
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    s.setLong(1, mailboxId);
                    UidRanges.bind(s, 2, set);
                    List<ComposedMessageIdWithMetaData> found = new ArrayList<>();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            found.add(MessageRows.composedMetaData(rs, mailbox.getMailboxId()));
                        }
                    }
                    return found;
                }
            }));
        } catch (MailboxException e) {
            return Flux.error(e);
        }
    }

    @Override
    public List<MessageUid> retrieveMessagesMarkedForDeletion(Mailbox mailbox, MessageRange range) throws MailboxException {
        return uids(mailbox, "deleted AND " + UidRanges.condition(range), range);
    }

    @Override
    public List<MessageUid> findRecentMessageUidsInMailbox(Mailbox mailbox) throws MailboxException {
        return uids(mailbox, "recent", null);
    }

    @Override
    public Flux<MessageUid> listAllMessageUids(Mailbox mailbox) {
        return Mono.fromCallable(() -> uids(mailbox, "true", null))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMapIterable(list -> list);
    }

    private List<MessageUid> uids(Mailbox mailbox, String condition, MessageRange range) throws MailboxException {
        return jdbc.read("list uids", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT uid FROM imap.message WHERE mailbox_id = ? AND " + condition + " ORDER BY uid")) {
                s.setLong(1, PostgresMailboxMapper.id(mailbox.getMailboxId()));
                if (range != null) {
                    UidRanges.bind(s, 2, range);
                }
                List<MessageUid> uids = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        uids.add(MessageUid.of(rs.getLong(1)));
                    }
                }
                return uids;
            }
        });
    }

    @Override
    public long countMessagesInMailbox(Mailbox mailbox) throws MailboxException {
        return getMailboxCounters(mailbox).getCount();
    }

    @Override
    public MailboxCounters getMailboxCounters(Mailbox mailbox) throws MailboxException {
        return jdbc.read("count messages", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT count(*), count(*) FILTER (WHERE NOT seen) FROM imap.message WHERE mailbox_id = ?")) {
                s.setLong(1, PostgresMailboxMapper.id(mailbox.getMailboxId()));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return MailboxCounters.builder().mailboxId(mailbox.getMailboxId())
                            .count(rs.getLong(1)).unseen(rs.getLong(2)).build();
                }
            }
        });
    }

    @Override
    public void delete(Mailbox mailbox, MailboxMessage message) throws MailboxException {
        deleteMessages(mailbox, List.of(message.getUid()));
    }

    @Override
    public Map<MessageUid, MessageMetaData> deleteMessages(Mailbox mailbox, List<MessageUid> uids) throws MailboxException {
        long mailboxId = PostgresMailboxMapper.id(mailbox.getMailboxId());
        return jdbc.inTransaction("expunge messages", c -> {
            Map<MessageUid, MessageMetaData> deleted = new LinkedHashMap<>();
            Counters.lock(c, mailboxId); // the folder before its message rows, as every writer takes them
            try (PreparedStatement s = c.prepareStatement("DELETE FROM imap.message WHERE mailbox_id = ? AND uid = ANY (?)"
                    + " RETURNING " + MessageRows.METADATA)) {
                s.setLong(1, mailboxId);
                s.setArray(2, c.createArrayOf("bigint", uids.stream().map(MessageUid::asLong).toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        MessageMetaData meta = MessageRows.metaData(rs);
                        deleted.put(meta.getUid(), meta);
                    }
                }
            }
            if (!deleted.isEmpty()) {
                Counters.nextModSeq(c, mailboxId); // RFC 7162 §3.1: an expunge is a change clients resync on
            }
            return deleted;
        });
    }

    @Override
    public MessageUid findFirstUnseenMessageUid(Mailbox mailbox) throws MailboxException {
        return jdbc.read("find first unseen", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT min(uid) FROM imap.message WHERE mailbox_id = ? AND NOT seen")) {
                s.setLong(1, PostgresMailboxMapper.id(mailbox.getMailboxId()));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    long uid = rs.getLong(1);
                    return rs.wasNull() ? null : MessageUid.of(uid);
                }
            }
        });
    }

    @Override
    public MessageMetaData add(Mailbox mailbox, MailboxMessage message) throws MailboxException {
        long mailboxId = PostgresMailboxMapper.id(mailbox.getMailboxId());
        byte[] content;
        try {
            content = MessageRows.bytes(message.getFullContent());
        } catch (java.io.IOException e) {
            throw new MailboxException("cannot read the message to append: " + e.getMessage(), e);
        }
        return jdbc.inTransaction("append message", c -> {
            Counters.Next next = Counters.next(c, mailboxId);
            message.setUid(next.uid());
            message.setModSeq(next.modSeq());
            return insert(c, mailboxId, message, message.createFlags(), content);
        });
    }

    private MessageMetaData insert(Connection c, long mailboxId, MailboxMessage message, Flags flags, byte[] content)
            throws SQLException {
        MessageShape shape = shape(message, content);
        return MessageRows.insert(c, new MessageRows.NewMessage(mailboxId, message.getUid(), message.getModSeq(),
                MessageRows.uuid(message.getMessageId()), MessageRows.uuid(message.getThreadId().getBaseMessageId()),
                message.getInternalDate(), clock.instant(), shape.bodyStart(),
                MessageRows.stored(shape.properties().toProperties(), shape.properties().getTextualLineCount()), flags,
                content));
    }

    /**
     * Where an appended message's body starts and its MIME properties. James's APPEND looks for the
     * header's end as CRLF CRLF only: a message with bare LF line ends, or a header with no empty
     * line after it, got body start 0, an empty header (ENVELOPE NIL, no HEADER.FIELDS) and the
     * whole message as its body. When {@link MessageShape#bodyStart} finds the header ending
     * elsewhere, the message is described as a delivered one is; otherwise James's description
     * stands (the same, without a second parse).
     */
    private static MessageShape shape(MailboxMessage message, byte[] content) {
        int bodyStart = MessageShape.bodyStart(content);
        if (bodyStart == message.getHeaderOctets()) {
            PropertyBuilder james = new PropertyBuilder(message.getProperties().toProperties());
            james.setTextualLineCount(message.getTextualLineCount());
            return new MessageShape(bodyStart, james);
        }
        return MessageShape.of(content);
    }

    @Override
    public Iterator<UpdatedFlags> updateFlags(Mailbox mailbox, FlagsUpdateCalculator calculator, MessageRange set)
            throws MailboxException {
        return FlagUpdates.apply(jdbc, PostgresMailboxMapper.id(mailbox.getMailboxId()), calculator, set).iterator();
    }

    /** As {@link #updateFlags}, under the STORE's UNCHANGEDSINCE when it carries one ({@link UnchangedSince}). */
    @Override
    public Mono<List<UpdatedFlags>> updateFlagsReactive(Mailbox mailbox, FlagsUpdateCalculator calculator, MessageRange set) {
        long mailboxId = PostgresMailboxMapper.id(mailbox.getMailboxId());
        return Mono.deferContextual(context -> Mono.fromCallable(() -> FlagUpdates.apply(jdbc, mailboxId, calculator, set,
                UnchangedSince.in(context)))).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public MessageMetaData copy(Mailbox mailbox, MailboxMessage original) throws MailboxException {
        return copy(mailbox, List.of(original)).get(0);
    }

    /**
     * COPY of one range: all of its messages in one transaction, so a COPY that fails leaves the
     * target as it was (RFC 3501 §6.4.7). A message expunged since James read the range fails it
     * with {@link ExpungedMeanwhile} and nothing copied; {@link PostgresMessageManager} reads the
     * range again.
     */
    @Override
    public List<MessageMetaData> copy(Mailbox mailbox, List<MailboxMessage> originals) throws MailboxException {
        if (originals.isEmpty()) {
            return List.of();
        }
        long target = PostgresMailboxMapper.id(mailbox.getMailboxId());
        return jdbc.inTransaction("copy messages", c -> {
            if (refiling.watches(mailbox.getName())) {
                // what the copy means may move the source folder's messages too: both folder rows
                // first, in MOVE's order, before any message row (Counters)
                lockFolders(c, PostgresMailboxMapper.id(originals.get(0).getMailboxId()), target);
            }
            List<MessageMetaData> copied = new ArrayList<>();
            List<Placed> placed = new ArrayList<>();
            for (MailboxMessage original : originals) {
                long source = PostgresMailboxMapper.id(original.getMailboxId());
                Counters.Next next = Counters.next(c, target);
                // the copy is \Recent in its new folder (RFC 3501 §6.4.7); the body is copied inside PostgreSQL
                MessageMetaData copy = relocate(c, "INSERT INTO imap.message (mailbox_id, uid, message_id,"
                        + " thread_id, modseq, internal_date, save_date, size, body_start, properties, answered, deleted,"
                        + " draft, flagged, recent, seen, keywords, content, search_text, sent_on)"
                        + " SELECT ?, ?, message_id, thread_id, ?, internal_date, now(), size, body_start, properties,"
                        + " answered, deleted, draft, flagged, true, seen, keywords, content, search_text, sent_on"
                        + " FROM imap.message WHERE mailbox_id = ? AND uid = ? RETURNING " + MessageRows.METADATA,
                        target, next, source, original.getUid());
                copied.add(copy);
                placed.add(new Placed(source, copy));
            }
            refiled(c, mailbox, placed);
            return copied;
        });
    }

    /** As {@link #copy(Mailbox, List)}; all or none of them when they were named by sequence number ({@link WholeSet}). */
    @Override
    public Mono<List<MessageMetaData>> copyReactive(Mailbox mailbox, List<MailboxMessage> originals) {
        return Mono.deferContextual(context -> Mono.fromCallable(() -> WholeSet.whole(WholeSet.expected(context), originals,
                () -> copy(mailbox, originals)))).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public MessageMetaData move(Mailbox mailbox, MailboxMessage original) throws MailboxException {
        return move(mailbox, List.of(original)).get(0);
    }

    /**
     * MOVE of one range: all of its messages in one transaction (a MOVE that fails moves nothing),
     * which locks both folders' rows first, the lower id first, so two moves in opposite
     * directions wait for each other instead of deadlocking. A message another session moved or
     * expunged since James read the range fails it with {@link ExpungedMeanwhile} and nothing moved.
     */
    @Override
    public List<MessageMetaData> move(Mailbox mailbox, List<MailboxMessage> originals) throws MailboxException {
        if (originals.isEmpty()) {
            return List.of();
        }
        long target = PostgresMailboxMapper.id(mailbox.getMailboxId());
        long source = PostgresMailboxMapper.id(originals.get(0).getMailboxId());
        return jdbc.inTransaction("move messages", c -> {
            lockFolders(c, source, target);
            List<MessageMetaData> moved = new ArrayList<>();
            List<Placed> placed = new ArrayList<>();
            for (MailboxMessage original : originals) {
                MessageMetaData now = moveOne(c, target, Counters.next(c, target), source, original.getUid());
                moved.add(now);
                placed.add(new Placed(source, now));
            }
            Counters.nextModSeq(c, source); // RFC 7162 §3.1: the messages taken away are a change
            refiled(c, mailbox, placed);
            return moved;
        });
    }

    /**
     * James moves message by message; here a range's messages move together ({@link #move(Mailbox, List)}),
     * all or none of them when they were named by sequence number ({@link WholeSet}).
     */
    @Override
    public Mono<List<MessageMetaData>> moveReactive(Mailbox mailbox, List<MailboxMessage> originals) {
        return Mono.deferContextual(context -> Mono.fromCallable(() -> WholeSet.whole(WholeSet.expected(context), originals,
                () -> move(mailbox, originals)))).subscribeOn(Schedulers.boundedElastic());
    }

    /** Locks both folders' rows, the lower id first: how every move between two folders takes them. */
    static void lockFolders(Connection c, long source, long target) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT id FROM imap.mailbox WHERE id IN (?, ?) ORDER BY id FOR UPDATE")) {
            s.setLong(1, source);
            s.setLong(2, target);
            s.executeQuery().close();
        }
    }

    /** A message a COPY or MOVE placed in its target folder, and the folder it came from. */
    private record Placed(long source, MessageMetaData message) {
    }

    /**
     * Tells {@link Refiling} of the messages just copied or moved into {@code mailbox}, when it
     * watches that folder: once all of the command's messages are in place, because what one of
     * them means may move others of the source folder (accepting a request moves the
     * correspondent's other requests to INBOX), which the command would otherwise find gone.
     */
    private void refiled(Connection c, Mailbox mailbox, List<Placed> placed) throws SQLException {
        if (!refiling.watches(mailbox.getName())) {
            return;
        }
        for (Placed one : placed) {
            try (PreparedStatement s = c.prepareStatement("SELECT f.name, substring(m.content FROM 1 FOR m.body_start)"
                    + " FROM imap.mailbox f, imap.message m WHERE f.id = ? AND m.mailbox_id = ? AND m.uid = ?")) {
                s.setLong(1, one.source());
                s.setLong(2, PostgresMailboxMapper.id(mailbox.getMailboxId()));
                s.setLong(3, one.message().getUid().asLong());
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        refiling.refiled(c, new Refiled(mailbox.getUser().asString(), rs.getString(1), mailbox.getName(),
                                rs.getBytes(2)));
                    }
                }
            }
        }
    }

    /**
     * Moves message {@code uid} of folder {@code source} to {@code next} of {@code target}, as a
     * MOVE does (\Recent there, its flags kept), and returns its new metadata; the caller holds
     * both folder rows.
     */
    static MessageMetaData moveOne(Connection c, long target, Counters.Next next, long source, MessageUid uid)
            throws SQLException, MailboxException {
        return relocate(c, "UPDATE imap.message SET mailbox_id = ?, uid = ?, modseq = ?, recent = true,"
                + " save_date = now() WHERE mailbox_id = ? AND uid = ? RETURNING " + MessageRows.METADATA,
                target, next, source, uid);
    }

    /**
     * Runs a COPY's INSERT … SELECT or a MOVE's UPDATE: both place message {@code uid} of folder
     * {@code source} at the next UID and MODSEQ of {@code target} and return its new metadata.
     */
    private static MessageMetaData relocate(Connection c, String sql, long target, Counters.Next next, long source,
                                            MessageUid uid) throws SQLException, MailboxException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, target);
            s.setLong(2, next.uid().asLong());
            s.setLong(3, next.modSeq().asLong());
            s.setLong(4, source);
            s.setLong(5, uid.asLong());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new ExpungedMeanwhile(uid);
                }
                return MessageRows.metaData(rs);
            }
        }
    }

    @Override
    public Optional<MessageUid> getLastUid(Mailbox mailbox) throws MailboxException {
        long last = Counters.read(jdbc, PostgresMailboxMapper.id(mailbox.getMailboxId()), "last_uid");
        return last == 0 ? Optional.empty() : Optional.of(MessageUid.of(last));
    }

    @Override
    public ModSeq getHighestModSeq(Mailbox mailbox) throws MailboxException {
        return ModSeq.of(Counters.read(jdbc, PostgresMailboxMapper.id(mailbox.getMailboxId()), "highest_modseq"));
    }

    @Override
    public Flags getApplicableFlag(Mailbox mailbox) throws MailboxException {
        return jdbc.read("list keywords", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT DISTINCT unnest(keywords) FROM imap.message WHERE mailbox_id = ?")) {
                s.setLong(1, PostgresMailboxMapper.id(mailbox.getMailboxId()));
                ApplicableFlagBuilder builder = ApplicableFlagBuilder.builder();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        builder.add(rs.getString(1));
                    }
                }
                return builder.build();
            }
        });
    }
}
