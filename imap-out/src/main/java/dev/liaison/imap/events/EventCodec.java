package dev.liaison.imap.events;

import dev.liaison.imap.store.StoredMailboxId;
import dev.liaison.imap.store.StoredMessageId;
import org.apache.james.core.Username;
import org.apache.james.events.Event;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.events.MailboxEvents;
import org.apache.james.core.quota.QuotaCountUsage;
import org.apache.james.core.quota.QuotaSizeUsage;
import org.apache.james.mailbox.model.MailboxACL;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.QuotaRoot;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.model.UpdatedFlags;

import javax.mail.Flags;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The text form of the mailbox events other Liaison processes must see (a message added,
 * expunged, or its flags changed; a folder deleted, which ends the sessions that have it selected), sized for a PostgreSQL NOTIFY payload (under 8000 bytes): a
 * large event is split into several notifications, each a valid event for a subset of the
 * messages, which is how a selected session consumes them anyway.
 *
 * <p>Form: {@code v1|origin|kind|mailboxId|user|namespace|name} then one {@code |entry} per
 * message; strings are URL-encoded so no separator can appear inside a field.
 */
public final class EventCodec {

    /** Payloads are cut below PostgreSQL's 8000-byte NOTIFY limit. */
    static final int MAX_PAYLOAD = 7000;
    private static final String VERSION = "v1";

    private EventCodec() {
    }

    /** Encodes a shareable event into one or more payloads; empty if the event is not shared. */
    public static List<String> encode(String origin, Event event) {
        if (event instanceof MailboxEvents.Added added) {
            return chunk(head(origin, "A", added), added.getAdded().values().stream().map(EventCodec::entry).toList());
        }
        if (event instanceof MailboxEvents.Expunged expunged) {
            return chunk(head(origin, "E", expunged), expunged.getExpunged().values().stream().map(EventCodec::entry).toList());
        }
        if (event instanceof MailboxEvents.FlagsUpdated updated) {
            // a STORE that changed nothing (the flag was already set) is nothing for other processes to learn
            return chunk(head(origin, "F", updated), updated.getUpdatedFlags().stream()
                    .filter(u -> UpdatedFlags.flagsChanged(u.getOldFlags(), u.getNewFlags()))
                    .map(EventCodec::entry).toList());
        }
        if (event instanceof MailboxEvents.MailboxDeletion deletion) {
            return List.of(head(origin, "D", deletion));
        }
        return List.of();
    }

    /** The origin of a payload, to let a process skip its own events. */
    static String origin(String payload) {
        String[] parts = payload.split("\\|", 3);
        return parts.length > 1 ? parts[1] : "";
    }

    /** The folder a payload is about, read without decoding the rest; empty if the payload is not readable. */
    static java.util.OptionalLong mailboxId(String payload) {
        int end = payload.indexOf('|');
        for (int field = 0; field < 3 && end >= 0; field++) {
            end = payload.indexOf('|', end + 1);
        }
        int start = end < 0 ? -1 : payload.lastIndexOf('|', end - 1);
        try {
            return end < 0 ? java.util.OptionalLong.empty()
                    : java.util.OptionalLong.of(Long.parseLong(payload, start + 1, end, 10));
        } catch (NumberFormatException e) {
            return java.util.OptionalLong.empty();
        }
    }

    /** Decodes one payload into the event it carries. */
    static Event decode(String payload) {
        String[] f = payload.split("\\|", -1);
        if (f.length < 7 || !VERSION.equals(f[0])) {
            throw new IllegalArgumentException("not a mailbox event payload (version " + (f.length > 0 ? f[0] : "?") + ")");
        }
        MailboxSession.SessionId session = MailboxSession.SessionId.of(0);
        Username user = Username.of(text(f[4]));
        MailboxPath path = new MailboxPath(text(f[5]), user, text(f[6]));
        StoredMailboxId mailboxId = StoredMailboxId.of(Long.parseLong(f[3]));
        Event.EventId id = Event.EventId.random();
        switch (f[2]) {
            case "A" -> {
                TreeMap<MessageUid, MessageMetaData> added = new TreeMap<>();
                metaData(f).forEach(m -> added.put(m.getUid(), m));
                return new MailboxEvents.Added(session, user, path, mailboxId, added, id, true);
            }
            case "E" -> {
                TreeMap<MessageUid, MessageMetaData> expunged = new TreeMap<>();
                metaData(f).forEach(m -> expunged.put(m.getUid(), m));
                return new MailboxEvents.Expunged(session, user, path, mailboxId, expunged, id);
            }
            case "F" -> {
                List<UpdatedFlags> updates = new ArrayList<>();
                for (int i = 7; i < f.length; i++) {
                    String[] e = f[i].split(":", -1);
                    updates.add(UpdatedFlags.builder().uid(MessageUid.of(Long.parseLong(e[0])))
                            .modSeq(ModSeq.of(Long.parseLong(e[1]))).oldFlags(flags(e[2])).newFlags(flags(e[3]))
                            .messageId(StoredMessageId.of(UUID.fromString(e[4]))).build());
                }
                return new MailboxEvents.FlagsUpdated(session, user, path, mailboxId, updates, id);
            }
            case "D" -> {
                // what a selected session reads of it is the folder; the rest is quota bookkeeping we do not keep
                return new MailboxEvents.MailboxDeletion(session, user, path, new MailboxACL(),
                        QuotaRoot.quotaRoot(user.asString(), Optional.empty()), QuotaCountUsage.count(0),
                        QuotaSizeUsage.size(0), mailboxId, id);
            }
            default -> throw new IllegalArgumentException("unknown mailbox event kind '" + f[2] + "'");
        }
    }

    /**
     * The payload that announces one added message, with its mailbox id, UID and MODSEQ left for
     * the database to fill in: a delivery is one statement, which takes those three as it stores
     * the message and sends the notification in the same round trip. The payload is
     * {@code beforeMailboxId + id + beforeUid + uid + ":" + modseq + afterModSeq}, the form
     * {@link #encode} gives an {@code Added} event of that one message.
     */
    public record AddedTemplate(String beforeMailboxId, String beforeUid, String afterModSeq) {

        /** The payload for the given numbers: what the database assembles, for tests to compare. */
        public String fill(long mailboxId, long uid, long modSeq) {
            return beforeMailboxId + mailboxId + beforeUid + uid + ":" + modSeq + afterModSeq;
        }
    }

    /** The template of the payload announcing a message with these values, added to {@code path}. */
    public static AddedTemplate addedTemplate(String origin, MailboxPath path, Flags flags, long size, Date internalDate,
                                              UUID messageId, UUID threadId) {
        return new AddedTemplate(String.join("|", VERSION, origin, "A", ""),
                "|" + folder(path.getUser().asString(), path) + "|",
                afterModSeq(flags, size, internalDate, messageId.toString(), threadId.toString()));
    }

    private static String head(String origin, String kind, MailboxEvents.MailboxEvent event) {
        MailboxPath path = event.getMailboxPath();
        return String.join("|", VERSION, origin, kind, event.getMailboxId().serialize(),
                folder(event.getUsername().asString(), path));
    }

    /** The user, namespace and name fields of a head. */
    private static String folder(String user, MailboxPath path) {
        return String.join("|", field(user), field(path.getNamespace()), field(path.getName()));
    }

    private static List<String> chunk(String head, List<String> entries) {
        List<String> payloads = new ArrayList<>();
        StringBuilder current = new StringBuilder(head);
        int inCurrent = 0;
        for (String entry : entries) {
            if (inCurrent > 0 && current.length() + entry.length() + 1 > MAX_PAYLOAD) {
                payloads.add(current.toString());
                current = new StringBuilder(head);
                inCurrent = 0;
            }
            current.append('|').append(entry);
            inCurrent++;
        }
        if (inCurrent > 0) {
            payloads.add(current.toString());
        }
        return payloads;
    }

    private static String entry(MessageMetaData m) {
        return m.getUid().asLong() + ":" + m.getModSeq().asLong() + afterModSeq(m.getFlags(), m.getSize(),
                m.getInternalDate(), m.getMessageId().serialize(), m.getThreadId().getBaseMessageId().serialize());
    }

    /** An added message's entry after its UID and MODSEQ. */
    private static String afterModSeq(Flags flags, long size, Date internalDate, String messageId, String threadId) {
        return ":" + flags(flags) + ":" + size + ":" + internalDate.getTime() + ":" + messageId + ":" + threadId;
    }

    private static String entry(UpdatedFlags u) {
        return u.getUid().asLong() + ":" + u.getModSeq().asLong() + ":" + flags(u.getOldFlags()) + ":"
                + flags(u.getNewFlags()) + ":" + u.getMessageId().map(m -> m.serialize()).orElse(new UUID(0, 0).toString());
    }

    private static List<MessageMetaData> metaData(String[] f) {
        List<MessageMetaData> list = new ArrayList<>();
        for (int i = 7; i < f.length; i++) {
            String[] e = f[i].split(":", -1);
            StoredMessageId messageId = StoredMessageId.of(UUID.fromString(e[5]));
            list.add(new MessageMetaData(MessageUid.of(Long.parseLong(e[0])), ModSeq.of(Long.parseLong(e[1])), flags(e[2]),
                    Long.parseLong(e[3]), new Date(Long.parseLong(e[4])), Optional.empty(), messageId,
                    ThreadId.fromBaseMessageId(StoredMessageId.of(UUID.fromString(e[6])))));
        }
        return list;
    }

    private static final String SYSTEM = "ADTFRS";
    private static final Flags.Flag[] SYSTEM_FLAGS = {Flags.Flag.ANSWERED, Flags.Flag.DELETED, Flags.Flag.DRAFT,
        Flags.Flag.FLAGGED, Flags.Flag.RECENT, Flags.Flag.SEEN};

    private static String flags(Flags flags) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < SYSTEM_FLAGS.length; i++) {
            if (flags.contains(SYSTEM_FLAGS[i])) {
                s.append(SYSTEM.charAt(i));
            }
        }
        for (String keyword : flags.getUserFlags()) {
            s.append(',').append(field(keyword));
        }
        return s.toString();
    }

    private static Flags flags(String encoded) {
        Flags flags = new Flags();
        String[] parts = encoded.split(",", -1);
        for (char c : parts[0].toCharArray()) {
            int i = SYSTEM.indexOf(c);
            if (i >= 0) {
                flags.add(SYSTEM_FLAGS[i]);
            }
        }
        for (int i = 1; i < parts.length; i++) {
            flags.add(text(parts[i]));
        }
        return flags;
    }

    private static String field(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String text(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
