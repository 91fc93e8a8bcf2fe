package dev.liaison.imap.store;

import org.apache.james.mailbox.MessageUid;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * STORE (UNCHANGEDSINCE m) (RFC 7162 §3.1.3), checked where the flags change: the store compares
 * each message's MODSEQ with {@code m} under the row lock, in the transaction that writes the new
 * flags, and leaves a message whose MODSEQ is greater as it is, recording its UID here. James's
 * processor compared the MODSEQs it read before the STORE and changed the flags in a second step,
 * so two clients' conditional STOREs of one message both succeeded and the second silently
 * overwrote the first. The condition travels from the STORE processor to the store in the Reactor
 * context (as {@link WholeSet} does).
 */
public final class UnchangedSince {

    private static final String KEY = UnchangedSince.class.getName();

    private final long modSeq;
    private final SortedSet<MessageUid> modified = new TreeSet<>();

    /** The condition {@code UNCHANGEDSINCE modSeq}; 0 is James's to judge (it fails on existing metadata only). */
    public UnchangedSince(long modSeq) {
        if (modSeq <= 0) {
            throw new IllegalArgumentException("UNCHANGEDSINCE " + modSeq + " is judged by James's processor, not here");
        }
        this.modSeq = modSeq;
    }

    /** A Reactor context carrying this condition to the store. */
    public Context context() {
        return Context.of(KEY, this);
    }

    static Optional<UnchangedSince> in(ContextView context) {
        return context.getOrEmpty(KEY);
    }

    /** Whether a message of MODSEQ {@code current} may change; when not, {@code uid} is recorded as modified. */
    synchronized boolean allows(MessageUid uid, long current) {
        if (current <= modSeq) {
            return true;
        }
        modified.add(uid);
        return false;
    }

    /** The messages left unchanged because their MODSEQ had passed the condition's under the row lock. */
    public synchronized Set<MessageUid> modified() {
        return new TreeSet<>(modified);
    }
}
