package dev.liaison.imap.server;

import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.MessageRange;

import java.util.Optional;

/**
 * A UID set in a folder the session sees empty. RFC 9051 §9 (seq-number): there {@code *} is the
 * folder's UIDNEXT, so every UID set names only UIDs no message has, and UIDs that do not exist
 * are ignored (RFC 9051 §6.4.9, RFC 3501 §6.4.8): UID STORE, COPY, MOVE and EXPUNGE touch nothing
 * and answer OK, as Dovecot's do. James's {@code messageRange} found no range in an empty folder
 * and those commands answered {@code BAD Invalid messageset}; the processors ask here first.
 * Message sequence numbers are left to James: the same paragraph of the RFC asks for BAD when one
 * (also {@code *}) is beyond the messages of the folder.
 */
final class EmptyFolderUids {

    /** UID 0 is no message's (a UID is an nz-number, RFC 9051 §2.3.1.1): the store finds nothing in it. */
    private static final MessageRange NO_MESSAGE = MessageRange.one(MessageUid.of(0));

    private EmptyFolderUids() {
    }

    /** A range that selects no message, if {@code useUids} and the session sees {@code selected} empty. */
    static Optional<MessageRange> noMessage(SelectedMailbox selected, boolean useUids) {
        return useUids && selected.existsCount() <= 0 ? Optional.of(NO_MESSAGE) : Optional.empty();
    }
}
