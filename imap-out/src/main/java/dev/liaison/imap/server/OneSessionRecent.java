package dev.liaison.imap.server;

import dev.liaison.imap.store.RecentClaims;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import reactor.core.publisher.Mono;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * \Recent in one session only (RFC 3501 §2.3.2). James's selected mailbox marks every message it
 * hears of as recent, so a message that arrived while three sessions had the folder selected was
 * \Recent in all three. The session that first shows such a message takes it ({@link RecentClaims}:
 * one UPDATE of its row; the other sessions find it taken) and the others forget it as recent.
 * Messages are settled before each command, after NOOP, CHECK and IDLE looked for new messages, and
 * before each IDLE push; a message heard of during a command is counted in RECENT and shown in FETCH
 * only once it is settled as the session's ({@link AnnouncedExists}), so no session shows it before
 * it is known to be its own. EXAMINE takes nothing: its session shows the messages that were
 * recent when it opened the folder (RFC 3501 §6.3.2) and none that arrive after.
 */
final class OneSessionRecent {

    private OneSessionRecent() {
    }

    /** {@link #settle} as a step of a command; a failure leaves the messages unsettled (not shown recent). */
    static Mono<Void> settled(ImapSession session) {
        return Mono.fromRunnable(() -> {
            try {
                settle(session);
            } catch (MailboxException e) {
                // the database is away: the command that follows reports it; the messages stay unsettled
            }
        });
    }

    /** Takes or forgets each message the selected mailbox holds as recent and the session has not settled. Blocking. */
    static void settle(ImapSession session) throws MailboxException {
        SelectedMailbox selected = session.getSelected();
        if (selected == null || !(selected.getMessageManager() instanceof RecentClaims claims)) {
            return;
        }
        Collection<MessageUid> held = selected.getRecent();
        if (held.isEmpty()) {
            return;
        }
        Set<MessageUid> own = claims.recentOf(held, !ReadOnlySelection.isReadOnly(session), session.getMailboxSession());
        if (own.size() == held.size()) {
            return;
        }
        for (MessageUid uid : held) {
            if (!own.contains(uid)) {
                selected.removeRecent(uid);
            }
        }
    }

    /** EXAMINE: what it found recent is shown so, and never taken. */
    static void examined(ImapSession session) {
        SelectedMailbox selected = session.getSelected();
        if (selected != null && selected.getMessageManager() instanceof RecentClaims claims) {
            claims.shown(selected.getRecent(), session.getMailboxSession());
        }
    }

    /** The session's \Recent messages among those its selected mailbox holds as recent; no database read. */
    static int count(ImapSession session) {
        SelectedMailbox selected = session.getSelected();
        if (selected == null) {
            return 0;
        }
        return own(session, selected, selected.getRecent()).size();
    }

    /** Whether the session may show {@code uid} \Recent; no database read. */
    static boolean shows(ImapSession session, MessageUid uid) {
        SelectedMailbox selected = session.getSelected();
        return selected != null && !own(session, selected, List.of(uid)).isEmpty();
    }

    private static Set<MessageUid> own(ImapSession session, SelectedMailbox selected, Collection<MessageUid> uids) {
        if (!(selected.getMessageManager() instanceof RecentClaims claims)) {
            return Set.copyOf(uids);
        }
        try {
            return claims.recentOf(uids, false, session.getMailboxSession());
        } catch (MailboxException e) {
            throw new IllegalStateException("recentOf without taking reads no database", e);
        }
    }
}
