package dev.liaison.imap.store;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;

import java.util.Collection;
import java.util.Set;

/**
 * \Recent (RFC 3501 §2.3.2): "this session is the first session to have been notified about this
 * message", so a message is \Recent in one session only. The stored {@code recent} column means
 * "no session has taken it yet": a session takes a message by clearing it, and only the session
 * whose UPDATE cleared it has the message \Recent (a concurrent UPDATE of the same row waits for
 * the row lock, then finds it cleared). A SELECT takes every untaken message of the folder; a
 * session that has the folder selected takes the messages it hears of, when it first shows them
 * (the server's {@code OneSessionRecent}). What a session took is kept with its {@link MailboxSession}
 * ({@code TakenRecent}). Implemented by the folder's message manager.
 *
 * <p>James's own reset read the recent UIDs and cleared them in a second statement, so two SELECTs
 * at once both had them; and every session with the folder selected marked every arriving message
 * recent (and again when another session's SELECT cleared the flag).
 */
public interface RecentClaims {

    /**
     * Of {@code uids} (messages of this folder the session holds as recent), those it has \Recent:
     * the ones it took before and, when {@code take}, those of the rest that no session has taken
     * yet, which it takes now. A read-only selection (EXAMINE, RFC 3501 §6.3.2) takes nothing.
     */
    Set<MessageUid> recentOf(Collection<MessageUid> uids, boolean take, MailboxSession session) throws MailboxException;

    /** EXAMINE: {@code uids}, the folder's untaken messages, are shown \Recent without being taken. */
    void shown(Collection<MessageUid> uids, MailboxSession session);
}
