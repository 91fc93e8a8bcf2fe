package dev.liaison.imap.events;

import dev.liaison.imap.store.StoredMailboxId;
import dev.liaison.imap.store.StoredMessageId;
import org.apache.james.core.Username;
import org.apache.james.events.Event;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.events.MailboxEvents;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.ThreadId;
import org.junit.jupiter.api.Test;

import javax.mail.Flags;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class EventCodecTest {

    private static final MailboxPath PATH = new MailboxPath("#private", Username.of("ann|e@x"), "Lists/runners|club");

    @Test
    void theTemplateTheDatabaseFillsInIsTheAddedPayload() {
        UUID message = UUID.randomUUID();
        UUID thread = UUID.randomUUID();
        Flags flags = new Flags(Flags.Flag.RECENT);
        flags.add(Flags.Flag.SEEN);
        flags.add("$label|1");
        Date received = new Date(1_750_000_000_123L);
        MessageMetaData stored = new MessageMetaData(MessageUid.of(42), ModSeq.of(77), flags, 10240, received,
                Optional.empty(), StoredMessageId.of(message), ThreadId.fromBaseMessageId(StoredMessageId.of(thread)));
        String payload = EventCodec.addedTemplate("delivery", PATH, flags, 10240, received, message, thread)
                .fill(9, 42, 77);
        var event = new MailboxEvents.Added(MailboxSession.SessionId.of(0), PATH.getUser(), PATH,
                StoredMailboxId.of(9), new TreeMap<>(Map.of(MessageUid.of(42), stored)), Event.EventId.random(), true);
        assertEquals(List.of(payload), EventCodec.encode("delivery", event), "what the event bus sends for the same message");
        var added = assertInstanceOf(MailboxEvents.Added.class, EventCodec.decode(payload));
        assertEquals(PATH, added.getMailboxPath());
        assertEquals(ModSeq.of(77), added.getAdded().get(MessageUid.of(42)).getModSeq());
    }

    @Test
    void aPayloadsFolderIsReadWithoutDecodingTheRest() {
        assertEquals(OptionalLong.of(9), EventCodec.mailboxId(EventCodec.addedTemplate("o", PATH, new Flags(), 1,
                new Date(0), UUID.randomUUID(), UUID.randomUUID()).fill(9, 1, 1)));
        assertEquals(OptionalLong.empty(), EventCodec.mailboxId("v1|o|A"));
        assertEquals(OptionalLong.empty(), EventCodec.mailboxId("v1|o|A|nine|u|n|m"));
        assertEquals(OptionalLong.empty(), EventCodec.mailboxId(""));
    }
}
