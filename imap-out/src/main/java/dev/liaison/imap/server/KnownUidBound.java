package dev.liaison.imap.server;

import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.MessageRange;

import java.util.Optional;

/**
 * How a UID FETCH's range is bounded before James fetches it: cut at the highest UID the session
 * knows, and not raised to the lowest. James's
 * {@code normalizeMessageRange} did both: a range below the first UID came out as "from the first
 * UID on" ({@code UID FETCH 1:2} of UIDs 3..5 returned all three), and expunged UIDs below the
 * first were never reported VANISHED (a QRESYNC client kept them for good). A UID below the first
 * that this folder does not hold was expunged: the folder's UIDs come from its own counter.
 */
final class KnownUidBound {

    private KnownUidBound() {
    }

    /** {@code range} up to the session's last UID; empty if it starts above it or nothing is selected. */
    static Optional<MessageRange> cut(SelectedMailbox selected, MessageRange range) {
        Optional<MessageUid> last = selected.getLastUid();
        if (last.isEmpty() || range.getUidFrom().compareTo(last.get()) > 0) {
            return Optional.empty();
        }
        MessageUid to = range.getUidTo().compareTo(last.get()) > 0 ? last.get() : range.getUidTo();
        return Optional.of(MessageRange.range(range.getUidFrom(), to));
    }
}
