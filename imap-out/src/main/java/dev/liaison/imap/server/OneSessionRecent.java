package dev.liaison.imap.server;

import dev.liaison.imap.store.RecentClaims;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

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
        boolean take = !ReadOnlySelection.isReadOnly(session);
        Mark mark = marks(session).get();
        Arrivals arrivals = mark == null ? null : mark.arrivalsIn(selected);
        if (arrivals == null) {
            settleAll(session, selected, claims, take);
            return;
        }
        int forgotten = 0;
        if (!arrivals.recent().isEmpty()) {
            Set<MessageUid> own = claims.recentOf(arrivals.recent(), take, session.getMailboxSession());
            for (MessageUid uid : arrivals.recent()) {
                if (!own.contains(uid) && selected.removeRecent(uid)) {
                    forgotten++;
                }
            }
        }
        marks(session).set(new Mark(selected, arrivals.last(), arrivals.exists(),
                mark.recent() + arrivals.recent().size() - forgotten));
    }

    /**
     * The walk over every UID the selected mailbox holds as recent: at the first settling after a
     * selection, and whenever the mailbox changed other than by messages arriving above the last
     * settled UID (an expunge, a late notification of a lower UID). The mark it leaves is read under
     * the selected mailbox's lock, which also guards its recent set, so no UID added meanwhile is
     * counted as settled.
     */
    private static void settleAll(ImapSession session, SelectedMailbox selected, RecentClaims claims, boolean take)
            throws MailboxException {
        Mark before;
        Collection<MessageUid> held;
        synchronized (selected) {
            held = selected.getRecent();
            before = Mark.of(selected, held.size());
        }
        int forgotten = 0;
        if (!held.isEmpty()) {
            Set<MessageUid> own = claims.recentOf(held, take, session.getMailboxSession());
            if (own.size() != held.size()) {
                for (MessageUid uid : held) {
                    if (!own.contains(uid) && selected.removeRecent(uid)) {
                        forgotten++;
                    }
                }
            }
        }
        marks(session).set(new Mark(selected, before.last(), before.exists(), before.recent() - forgotten));
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
        Mark mark = marks(session).get();
        Arrivals arrivals = mark == null ? null : mark.arrivalsIn(selected);
        if (arrivals == null) {
            return own(session, selected, selected.getRecent()).size();
        }
        // what was settled is all the session's own; of what arrived since, what it took or was shown
        return Math.toIntExact(mark.recent()) + own(session, selected, arrivals.recent()).size();
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

    private static final String MARK = "liaison.recent.settled";

    /**
     * The session's mark, in a holder put once into its attributes: those are a plain map, and an
     * IDLE push settles off the event loop, so the push changes the holder, never the map.
     */
    @SuppressWarnings("unchecked")
    private static AtomicReference<Mark> marks(ImapSession session) {
        synchronized (session) {
            if (session.getAttribute(MARK) instanceof AtomicReference<?> marks) {
                return (AtomicReference<Mark>) marks;
            }
            AtomicReference<Mark> marks = new AtomicReference<>();
            session.setAttribute(MARK, marks);
            return marks;
        }
    }

    /**
     * Where the session's last settling left its selected mailbox: the highest UID it knew, how many
     * messages and how many recent UIDs it held (all of them the session's own). Settling again then
     * looks only at the messages above that UID, so an IDLE session that watches a folder for hours
     * does not walk every message that arrived in them before each push.
     */
    private record Mark(SelectedMailbox selected, long last, long exists, long recent) {

        static Mark of(SelectedMailbox selected, int recent) {
            return new Mark(selected, selected.getLastUid().map(MessageUid::asLong).orElse(0L), selected.existsCount(), recent);
        }

        /**
         * The messages above {@link #last} and which of them the mailbox holds as recent, or null when
         * the mailbox changed in any other way since (another selection, an expunge, a lower UID
         * notified late): the counts of messages and of recent UIDs must be this mark's plus exactly
         * those.
         */
        Arrivals arrivalsIn(SelectedMailbox now) {
            if (now != selected) {
                return null;
            }
            synchronized (now) {
                long exists = now.existsCount();
                long last = this.last;
                List<MessageUid> recent = new ArrayList<>(2);
                int above = 0;
                for (long msn = exists; msn > 0; msn--) {
                    MessageUid uid = now.uid(Math.toIntExact(msn)).orElse(null);
                    if (uid == null || uid.asLong() <= this.last) {
                        break;
                    }
                    above++;
                    last = Math.max(last, uid.asLong());
                    if (now.isRecent(uid)) {
                        recent.add(uid);
                    }
                }
                if (exists - above != this.exists || now.recentCount() != this.recent + recent.size()) {
                    return null;
                }
                return new Arrivals(last, exists, recent);
            }
        }
    }

    /** What {@link Mark#arrivalsIn} found: the new highest UID and message count, and the new recent UIDs. */
    private record Arrivals(long last, long exists, List<MessageUid> recent) {
    }
}
