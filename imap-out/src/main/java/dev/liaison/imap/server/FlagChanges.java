package dev.liaison.imap.server;

import org.apache.james.events.Event;
import org.apache.james.events.EventListener;
import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.message.Capability;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.processor.EnableProcessor;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.events.MailboxEvents;
import org.apache.james.mailbox.model.ComposedMessageIdWithMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import javax.mail.Flags;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Flag changes other sessions made that James's unsolicited responses dropped, reported again.
 *
 * <p>Why: James 3.8.1's {@code AbstractMailboxProcessor.unsolicitedResponses} copies the selected
 * mailbox's flag-update UIDs, reads those messages' flags from the store, and then calls
 * {@code resetEvents()}, which clears the whole set. A change recorded between the copy and the
 * clear (another device's STORE landing while a NOOP or an IDLE push reads flags) was never told
 * to the client: its copy of the message stayed stale for good (RFC 3501 §7: the server must
 * report flag changes; Dovecot always delivers the final state).
 *
 * <p>How: this listener sits in the selected mailbox's one listener slot (the IDLE pusher is
 * forwarded to, {@link #idle}) and hears every flag change of another session after James has
 * recorded it. Where a command or a push starts ({@link #mark}) what was heard and James still
 * holds as pending is forgotten: James copies it next. What is heard after the mark, or was heard
 * but is no longer pending, may have fallen into the window; at the end ({@link #catchUp}) every
 * such UID that James does not still hold as pending gets a FETCH with the flags the store has now. A change that James did report is then reported
 * twice, only when it landed while the command ran; a repeated FETCH of the same flags is harmless.
 */
final class FlagChanges implements EventListener.ReactiveEventListener {

    private static final String ATTRIBUTE = "liaison.flag-changes";
    private final SelectedMailbox selected;
    private final ImapSession session;
    /** Heard since the last mark. Guarded by this. */
    private final Set<MessageUid> heard = new TreeSet<>();
    /** Suspects whose catch-up failed to read the store, retried at the next one. Guarded by this. */
    private final Set<MessageUid> owed = new TreeSet<>();
    private volatile EventListener.ReactiveEventListener idle;

    private FlagChanges(SelectedMailbox selected, ImapSession session) {
        this.selected = selected;
        this.session = session;
    }

    /** The session's listener for its selected mailbox, put in place the first time; null without one. */
    static FlagChanges of(ImapSession session) {
        SelectedMailbox selected = session.getSelected();
        if (selected == null) {
            return null;
        }
        synchronized (session) {
            if (session.getAttribute(ATTRIBUTE) instanceof FlagChanges changes && changes.selected == selected) {
                return changes;
            }
            FlagChanges changes = new FlagChanges(selected, session);
            selected.registerIdle(changes);
            session.setAttribute(ATTRIBUTE, changes);
            return changes;
        }
    }

    /**
     * Forgets what was heard and James still holds as pending: the work that starts now reports
     * it. A UID heard but no longer pending stays: it was heard only after the last catch-up, while
     * James's reset had already dropped it.
     */
    static void mark(ImapSession session) {
        FlagChanges changes = of(session);
        if (changes != null) {
            java.util.Collection<MessageUid> pending = changes.selected.flagUpdateUids();
            synchronized (changes) {
                changes.heard.removeAll(pending);
            }
        }
    }

    /**
     * Reports, with the store's flags now, each message heard of since the mark that James no
     * longer holds as pending. Blocking (one store read, only when there is something to report).
     */
    static void catchUp(ImapSession session, Responder responder) {
        SelectedMailbox selected = session.getSelected();
        if (selected != null && session.getAttribute(ATTRIBUTE) instanceof FlagChanges changes
                && changes.selected == selected) {
            changes.catchUp(responder);
        }
    }

    /** The IDLE pusher, told of every event after this listener (null: none). */
    void idle(EventListener.ReactiveEventListener pusher) {
        idle = pusher;
    }

    private void catchUp(Responder responder) {
        Set<MessageUid> suspects;
        synchronized (this) {
            suspects = new TreeSet<>(heard);
            suspects.addAll(owed);
            heard.clear();
            owed.clear();
        }
        suspects.removeAll(selected.flagUpdateUids()); // still pending: James reports those itself
        if (suspects.isEmpty()) {
            return;
        }
        try {
            respond(suspects, responder);
        } catch (RuntimeException e) {
            synchronized (this) {
                owed.addAll(suspects);
            }
        }
    }

    private void respond(Set<MessageUid> uids, Responder responder) {
        Set<Capability> enabled = EnableProcessor.getEnabledCapabilities(session);
        boolean qresync = enabled.contains(ImapConstants.SUPPORTS_QRESYNC);
        boolean modSeq = qresync || enabled.contains(ImapConstants.SUPPORTS_CONDSTORE);
        List<ComposedMessageIdWithMetaData> found = Flux.fromIterable(MessageRange.toRanges(uids))
                .concatMap(range -> selected.getMessageManager().listMessagesMetadata(range, session.getMailboxSession()))
                .filter(m -> uids.contains(m.getComposedMessageId().getUid()))
                .collectList().block();
        for (ComposedMessageIdWithMetaData m : found) {
            MessageUid uid = m.getComposedMessageId().getUid();
            selected.msn(uid).ifPresent(msn -> { // absent: expunged meanwhile, the EXPUNGE says the rest
                Flags flags = new Flags(m.getFlags());
                if (selected.isRecent(uid)) {
                    flags.add(Flags.Flag.RECENT);
                } else {
                    flags.remove(Flags.Flag.RECENT);
                }
                // UID and MODSEQ as James's own flag updates carry them (RFC 7162 §3.1.4, §3.2)
                responder.respond(new FetchResponse(msn, flags, qresync ? uid : null, null, modSeq ? m.getModSeq() : null,
                        null, null, null, null, null, null, null, null));
            });
        }
    }

    @Override
    public Publisher<Void> reactiveEvent(Event event) {
        if (event instanceof MailboxEvents.FlagsUpdated updated && updated.getMailboxId().equals(selected.getMailboxId())
                && !updated.getSessionId().equals(session.getMailboxSession().getSessionId())) {
            synchronized (this) {
                for (UpdatedFlags u : updated.getUpdatedFlags()) {
                    heard.add(u.getUid());
                }
            }
        }
        EventListener.ReactiveEventListener pusher = idle;
        return pusher == null ? Mono.empty() : pusher.reactiveEvent(event);
    }
}
