package dev.liaison.imap.server;

import org.apache.james.events.Event;
import org.apache.james.events.EventListener;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.events.MailboxEvents;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.TreeMap;

/**
 * Tells a session's selected mailbox of the messages the store holds beyond the highest UID the
 * session knows. Notifications normally do this (this process's event bus; other processes' and
 * {@code MailboxDelivery}'s {@code NOTIFY}), but they arrive asynchronously — a {@code NOTIFY} is
 * read by the listener thread some time after the delivering transaction commits, and one sent
 * while the listener reconnects is lost. NOOP, CHECK and IDLE are how a client asks "anything
 * new?" (RFC 3501 §6.1.2, §6.4.1; RFC 2177), so they ask the store first: a message committed
 * before the command was sent is always reported. Cost: one indexed range query on metadata.
 *
 * <p>Only UIDs above the highest known one are added. UIDs are assigned in commit order, so a
 * message below it was either announced or lost with a notification; adding it now would
 * renumber messages the client already knows by sequence number, which only EXPUNGE may do.
 */
final class NewMessages {

    private NewMessages() {
    }

    /** Adds the store's messages above the session's highest known UID to its selected mailbox. */
    static Mono<Void> learn(ImapSession session) {
        SelectedMailbox selected = session.getSelected();
        if (!(selected instanceof EventListener.ReactiveEventListener listener)) {
            return Mono.empty();
        }
        MessageManager mailbox = selected.getMessageManager();
        MailboxSession mailboxSession = session.getMailboxSession();
        MessageRange unknown = selected.getLastUid().map(uid -> MessageRange.from(uid.next())).orElseGet(MessageRange::all);
        return Flux.from(mailbox.getMessagesReactive(unknown, FetchGroup.MINIMAL, mailboxSession))
                .collect(TreeMap<MessageUid, MessageMetaData>::new, (found, m) -> found.put(m.getUid(), metaData(m)))
                .filter(found -> !found.isEmpty())
                .flatMap(found -> Mono.from(listener.reactiveEvent(new MailboxEvents.Added(mailboxSession.getSessionId(),
                        mailboxSession.getUser(), mailbox.getMailboxPath(), selected.getMailboxId(), found,
                        Event.EventId.random(), false))))
                .then(OneSessionRecent.settled(session));
    }

    private static MessageMetaData metaData(MessageResult m) {
        return new MessageMetaData(m.getUid(), m.getModSeq(), m.getFlags(), m.getSize(), m.getInternalDate(),
                m.getSaveDate(), m.getMessageId(), m.getThreadId());
    }
}
