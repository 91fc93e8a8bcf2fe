package dev.liaison.imap.server;

import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.UidRange;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.AbstractMailboxSelectionRequest;
import org.apache.james.imap.message.request.ExamineRequest;
import org.apache.james.imap.message.response.ESearchResponse;
import org.apache.james.imap.message.response.ExistsResponse;
import org.apache.james.imap.message.response.ExpungeResponse;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.message.response.RecentResponse;
import org.apache.james.imap.message.response.SearchResponse;
import org.apache.james.imap.message.response.VanishedResponse;
import org.apache.james.mailbox.MessageUid;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many messages the client was last told the selected mailbox holds ({@code * n EXISTS},
 * less one per {@code EXPUNGE} since), so that no answer ends with the client knowing fewer
 * messages than the session does (RFC 3501 §7.3.1, §5.2: the client must learn of new messages).
 *
 * <p>Why: James's selected mailbox records "messages arrived" in one flag that its
 * unsolicited-response code reads at the start and clears at the end of its work. A message
 * that arrives between the read and the clear is added to the session's message list but never
 * announced — the client hears of it only when yet another message arrives, or never. The relay
 * benchmark saw this as NOOP missing messages STATUS saw. This watcher sees every response the
 * session writes and, before a command's tagged answer (and after each IDLE push), sends the
 * missing {@code EXISTS}; also before a FETCH or SEARCH response that could name a message the
 * client was not told of ({@link #namesUnannounced}). A repeated {@code EXISTS} with the right count is harmless, so where
 * the count is uncertain (a VANISHED may name UIDs the client never knew) it errs low.
 */
final class AnnouncedExists implements Responder {

    private static final String ATTRIBUTE = "liaison.announced-exists";
    private static final String EXPUNGED_ATTRIBUTE = "liaison.expunged-since-recent";
    private final Responder responder;
    private final ImapSession session;
    /** The command is a SELECT or EXAMINE ({@link AnnouncedKeywords}: its FLAGS always goes out). */
    private final boolean selecting;
    /** The command is an EXAMINE: it makes a read-only selection ({@link ReadOnlySelection}). */
    private final boolean examining;
    private AnnouncedKeywords keywords;
    /** What this answer showed of each message's flags: a FETCH repeating it is left out. */
    private final ToldFlags shown = new ToldFlags();

    private AnnouncedExists(Responder responder, ImapSession session, ImapMessage command) {
        this.responder = responder;
        this.session = session;
        this.selecting = command instanceof AbstractMailboxSelectionRequest;
        this.examining = command instanceof ExamineRequest;
    }

    /**
     * {@code responder}, keeping count of what it tells the client about the selected mailbox
     * while it answers {@code command}: the messages and, with {@link AnnouncedKeywords}, the keywords.
     */
    static Responder watch(Responder responder, ImapSession session, ImapMessage command) {
        return responder instanceof AnnouncedExists ? responder : new AnnouncedExists(responder, session, command);
    }

    /** Sends {@code * n EXISTS} if the session knows more messages than the client was told. */
    static void catchUp(ImapSession session, Responder responder) {
        SelectedMailbox selected = session.getSelected();
        AtomicLong announced = (AtomicLong) session.getAttribute(ATTRIBUTE);
        if (selected == null || announced == null) {
            return;
        }
        long known = selected.existsCount();
        if (known > announced.get()) {
            responder.respond(new ExistsResponse(known));
        }
    }

    @Override
    public void respond(ImapResponseMessage given) {
        if (given instanceof ExpungeResponse || given instanceof VanishedResponse) {
            expunged().set(true);
            shown.expunged();
        }
        ImapResponseMessage message = given instanceof RecentResponse ? ownRecent(recentOfKnownMessages(given))
                : given instanceof FetchResponse fetch ? withoutOthersRecent(fetch) : given;
        if (repeated(message)) {
            return;
        }
        if (message instanceof ExistsResponse exists) {
            counter().set(exists.getNumberOfMessages());
        } else if (message instanceof ExpungeResponse expunge && expunge.getMessageSequenceNumber().asInt().isPresent()) {
            counter().updateAndGet(n -> Math.max(0, n - 1));
        } else if (message instanceof VanishedResponse vanished && !vanished.isEarlier()) {
            long gone = count(vanished.getUids());
            counter().updateAndGet(n -> Math.max(0, n - gone));
        } else if (message instanceof StatusResponse status && status.getTag() != null
                && !ImapConstants.LOGOUT_COMMAND.equals(status.getCommand())) {
            FlagChanges.catchUp(session, this);
            catchUp(session, this);
        } else if (namesUnannounced(message)) {
            catchUp(session, this);
        }
        if (keywords == null) {
            keywords = AnnouncedKeywords.of(session);
        }
        ImapResponseMessage written = keywords.respond(message, selecting,
                examining || ReadOnlySelection.isReadOnly(session), responder);
        if (written != null) {
            responder.respond(written);
        }
    }

    /**
     * Whether {@code message} tells the client only what it was told: an EXISTS with the count it
     * has (outside SELECT and EXAMINE, which always say it) — James's own after one sent early by
     * {@link #namesUnannounced} — or a FETCH of flags this answer already showed ({@link ToldFlags}).
     */
    private boolean repeated(ImapResponseMessage message) {
        if (message instanceof ExistsResponse exists) {
            AtomicLong announced = (AtomicLong) session.getAttribute(ATTRIBUTE);
            return !selecting && announced != null && announced.get() == exists.getNumberOfMessages();
        }
        return message instanceof FetchResponse fetch && shown.repeats(fetch);
    }

    /**
     * {@code * n RECENT} counting only the recent messages the session still holds. James's selected
     * mailbox forgets a \Recent UID only while its expunge is still to be announced, and nothing asks
     * it then; once the EXPUNGE is sent the UID stays recent for good, so after another session's
     * expunges the count James wrote exceeded EXISTS (and grew). The UIDs the session no longer
     * holds are forgotten here, before the count is written.
     */
    private ImapResponseMessage recentOfKnownMessages(ImapResponseMessage james) {
        SelectedMailbox selected = session.getSelected();
        // only after an EXPUNGE or VANISHED: the walk is over every recent UID, and a session that
        // watches a folder (IDLE) holds thousands of them, one RECENT per arriving message
        if (selected == null || !expunged().getAndSet(false)) {
            return james;
        }
        for (MessageUid uid : selected.getRecent()) {
            if (selected.msn(uid).asInt().isEmpty()) {
                selected.removeRecent(uid);
            }
        }
        selected.resetRecentUidRemoved(); // this count is the news; no second RECENT for it
        return new RecentResponse(selected.recentCount());
    }

    /**
     * {@code * n RECENT} counting only the session's own recent messages ({@link OneSessionRecent}):
     * one heard of while the command ran is settled at the next command, not counted before.
     */
    private ImapResponseMessage ownRecent(ImapResponseMessage recent) {
        int own = OneSessionRecent.count(session);
        return own == ((RecentResponse) recent).getNumberFlaggedRecent() ? recent : new RecentResponse(own);
    }

    /** A FETCH of a message heard of while the command ran shows it \Recent only once it is the session's own. */
    private ImapResponseMessage withoutOthersRecent(FetchResponse r) {
        SelectedMailbox selected = session.getSelected();
        if (r.getFlags() == null || !r.getFlags().contains(javax.mail.Flags.Flag.RECENT) || selected == null) {
            return r;
        }
        MessageUid uid = r.getUid() != null ? r.getUid() : selected.uid(r.getMessageNumber().asInt()).orElse(null);
        if (uid == null || OneSessionRecent.shows(session, uid)) {
            return r;
        }
        javax.mail.Flags flags = new javax.mail.Flags(r.getFlags());
        flags.remove(javax.mail.Flags.Flag.RECENT);
        return new FetchResponse(r.getMessageNumber(), flags, r.getUid(), r.getSaveDate(), r.getModSeq(),
                r.getInternalDate(), r.getSize(), r.getEnvelope(), r.getBody(), r.getBodyStructure(), r.getElements(),
                r.getEmailId(), r.getThreadId());
    }

    /**
     * Whether {@code message} may name a message by a sequence number the client was not told of:
     * a FETCH beyond the count announced (FETCH, STORE and their UID forms answer with FETCH
     * responses), or any SEARCH result (cheap to check, and James sends it before its EXISTS).
     * RFC 9051 §7.4.1 / RFC 3501 §5.2: the client must learn of a message before a response uses
     * its number; an EXISTS may be sent at any time, an EXPUNGE may not, so only EXISTS goes first.
     */
    private boolean namesUnannounced(ImapResponseMessage message) {
        if (message instanceof FetchResponse fetch) {
            AtomicLong announced = (AtomicLong) session.getAttribute(ATTRIBUTE);
            return announced != null && fetch.getMessageNumber().asInt() > announced.get();
        }
        return message instanceof SearchResponse || message instanceof ESearchResponse;
    }

    @Override
    public void flush() {
        responder.flush();
    }

    /** Whether an EXPUNGE or VANISHED was written since the last RECENT was corrected. */
    private AtomicBoolean expunged() {
        AtomicBoolean expunged = (AtomicBoolean) session.getAttribute(EXPUNGED_ATTRIBUTE);
        if (expunged == null) {
            expunged = new AtomicBoolean();
            session.setAttribute(EXPUNGED_ATTRIBUTE, expunged);
        }
        return expunged;
    }

    private AtomicLong counter() {
        AtomicLong announced = (AtomicLong) session.getAttribute(ATTRIBUTE);
        if (announced == null) {
            announced = new AtomicLong();
            session.setAttribute(ATTRIBUTE, announced);
        }
        return announced;
    }

    private static long count(UidRange[] ranges) {
        long total = 0;
        for (UidRange range : ranges) {
            total += range.getHighVal().asLong() - range.getLowVal().asLong() + 1;
        }
        return total;
    }
}
