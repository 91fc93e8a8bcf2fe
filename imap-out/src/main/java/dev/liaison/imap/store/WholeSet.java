package dev.liaison.imap.store;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.MessageRange;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import java.util.Collection;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * A COPY or MOVE by message sequence numbers, handed to the store in the Reactor context: the
 * UIDs of the messages the client named, every one of which must still be there. A client that
 * names messages by sequence number names messages it was told of; one another session expunged
 * since is not "a UID that does not exist" (RFC 9051 §6.4.9, UID COPY/MOVE, where such UIDs are
 * ignored and the rest is copied) but a message the client meant, and copying the rest without a
 * word loses it from the client's view of what it did. So such a range is copied or moved whole
 * or not at all: a message missing when the range is read or written fails it with {@link Lost}
 * and nothing of it written (RFC 3501 §6.4.7: a failed COPY leaves the target as it was), and it
 * is not read again as a UID range is ({@link PostgresMessageManager}). The server answers
 * {@code NO [EXPUNGEISSUED]} (RFC 5530), as Dovecot does.
 */
public final class WholeSet {

    private static final String KEY = WholeSet.class.getName();
    private static final String EXPECTED = KEY + ".expected";

    private final NavigableSet<MessageUid> named;

    /** The UIDs, in the session's view, of the messages the client named. */
    public WholeSet(Collection<MessageUid> named) {
        this.named = new TreeSet<>(named);
    }

    /** A Reactor context carrying this set to the store. */
    public Context context() {
        return Context.of(KEY, this);
    }

    static Optional<WholeSet> in(ContextView context) {
        return context.getOrEmpty(KEY);
    }

    /** The context for copying or moving {@code range}: how many messages it must hold. */
    Context expecting(MessageRange range, Context context) {
        return context.put(EXPECTED, named.subSet(range.getUidFrom(), true, range.getUidTo(), true).size());
    }

    /** How many messages the range being copied or moved must hold, if it must hold them all. */
    static OptionalInt expected(ContextView context) {
        return context.<Integer>getOrEmpty(EXPECTED).map(OptionalInt::of).orElseGet(OptionalInt::empty);
    }

    /**
     * Runs the copy or move of {@code originals}, the range's messages as read: when the range must
     * be whole ({@code expected}), fails with {@link Lost} before writing if one is missing already,
     * and if one goes before it is written (the transaction then rolled back).
     */
    static <T> T whole(OptionalInt expected, java.util.List<?> originals, Writing<T> writing)
            throws org.apache.james.mailbox.exception.MailboxException {
        if (expected.isEmpty()) {
            return writing.write();
        }
        if (originals.size() != expected.getAsInt()) {
            throw new Lost((expected.getAsInt() - originals.size()) + " of the messages named were expunged");
        }
        try {
            return writing.write();
        } catch (ExpungedMeanwhile e) {
            throw new Lost(e.getMessage());
        }
    }

    @FunctionalInterface
    interface Writing<T> {
        T write() throws org.apache.james.mailbox.exception.MailboxException;
    }

    /**
     * A message of a COPY or MOVE by sequence numbers was expunged by another session: nothing of
     * its range was written. Unchecked, so that it passes James's processor, which would answer
     * "processing failed" and log an ERROR for a {@code MailboxException}, to ours.
     */
    public static final class Lost extends RuntimeException {
        Lost(String what) {
            super(what);
        }
    }
}
