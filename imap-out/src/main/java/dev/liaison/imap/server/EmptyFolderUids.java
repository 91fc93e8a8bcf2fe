package dev.liaison.imap.server;

import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.MessageRange;

import java.util.Optional;

/**
 * A UID set in a folder the session sees empty. James's {@code messageRange} found no range there
 * and UID STORE, COPY, MOVE and EXPUNGE answered {@code BAD Invalid messageset}; the processors
 * ask here first. UIDs given as numbers go to the store as James sends them in a folder the
 * session sees messages in ({@code MessageRange.range}): the session's view may lag the store (a
 * message another process delivered is announced by a notification still on its way), and a client
 * that learned UID 7 over another connection must have {@code UID MOVE 7 Trash} move it. UIDs the
 * store does not have are ignored (RFC 9051 §6.4.9): nothing is touched and the answer is OK, as
 * Dovecot's. A range made of {@code *} alone is the folder's UIDNEXT there (RFC 9051 §9,
 * seq-number), which no message has: it selects nothing. Message sequence numbers are left to
 * James: the same paragraph of the RFC asks for BAD when one (also {@code *}) is beyond the
 * messages of the folder.
 */
final class EmptyFolderUids {

    /** UID 0 is no message's (a UID is an nz-number, RFC 9051 §2.3.1.1): the store finds nothing in it. */
    static final MessageRange NO_MESSAGE = MessageRange.one(MessageUid.of(0));
    /** How James's parser writes {@code *}. */
    private static final long STAR = Long.MAX_VALUE;

    private EmptyFolderUids() {
    }

    /** The store range for {@code range}, if {@code useUids} and the session sees {@code selected} empty; else James decides. */
    static Optional<MessageRange> inEmptyView(SelectedMailbox selected, IdRange range, boolean useUids) {
        return range(selected.existsCount() <= 0, range, useUids);
    }

    static Optional<MessageRange> range(boolean emptyView, IdRange range, boolean useUids) {
        if (!useUids || !emptyView) {
            return Optional.empty();
        }
        if (range.getLowVal() == STAR && range.getHighVal() == STAR) {
            return Optional.of(NO_MESSAGE);
        }
        return Optional.of(MessageRange.range(MessageUid.of(range.getLowVal()), MessageUid.of(range.getHighVal())));
    }
}
