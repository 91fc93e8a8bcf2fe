package dev.liaison.imap.server;

import java.util.Optional;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.main.PathConverter;
import org.apache.james.mailbox.exception.HasEmptyMailboxNameInHierarchyException;
import org.apache.james.mailbox.exception.MailboxNameException;
import org.apache.james.mailbox.exception.TooLongMailboxNameException;
import org.apache.james.mailbox.model.MailboxPath;

/**
 * Whether a name a client asks to create a folder under, or to rename one to, is one the store
 * takes, checked with the store's own rule ({@link MailboxPath#assertAcceptable}, after the
 * trailing delimiter RFC 3501 allows is dropped) before James's processor runs. James lets the store's refusal escape its
 * processor, which answers "processing failed" and logs the client's typing mistake at ERROR with
 * a stack trace; this says what is wrong, with RFC 5530's {@code [CANNOT]}, and logs nothing.
 */
final class NewFolderName {

    private static final HumanReadableText NAMESPACE_PREFIX = text("Folder names cannot start with # (the only"
            + " namespace is the personal one, without a prefix); choose another name");

    private NewFolderName() {
    }

    /**
     * What is wrong with {@code name} as a new folder of the session's user, or empty when the
     * store would take it, or when it is not the user's own name at all (James's processor
     * refuses that in its own words). A name starting with {@code #} names a namespace prefix
     * ({@code #private}, {@code #shared}, {@code #user}) and is refused as such.
     */
    static Optional<HumanReadableText> problem(String name, ImapSession session) {
        if (name.startsWith("#")) {
            // James read #private.x as the personal folder x and #shared, #user.bob.x as other namespaces, each
            // answered differently; NAMESPACE announces only the personal one, without a prefix, so none is
            // a name here (the same words whoever #user.bob names, so nothing tells whether bob exists)
            return Optional.of(NAMESPACE_PREFIX);
        }
        char delimiter = session.getMailboxSession().getPathDelimiter();
        MailboxPath path;
        try {
            path = PathConverter.forSession(session).buildFullPath(name);
        } catch (RuntimeException notOwn) {
            return Optional.empty();
        }
        try {
            path.sanitize(delimiter).assertAcceptable(delimiter);
            return Optional.empty();
        } catch (HasEmptyMailboxNameInHierarchyException e) {
            return Optional.of(text("Folder names cannot be empty or have an empty level (no leading '" + delimiter
                    + "', no '" + delimiter + delimiter + "'); choose another name"));
        } catch (TooLongMailboxNameException e) {
            return Optional.of(text("Folder names are at most " + MailboxPath.MAX_MAILBOX_NAME_LENGTH
                    + " characters long; choose a shorter name"));
        } catch (MailboxNameException e) {
            return Optional.of(text("Folder names cannot contain % or * (they are LIST wildcards) or start with #;"
                    + " choose another name"));
        }
    }

    private static HumanReadableText text(String reason) {
        return new HumanReadableText("liaison.folder.name", reason);
    }
}
